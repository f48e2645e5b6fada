// `pdfupload` command line. Each command opens only what it needs; `start` runs every role.
import { Command, Option } from "commander";
import pkg from "../../package.json" with { type: "json" };
import { registerAnalyzeCommands } from "./analyze.command.ts";
import { registerConfigCommands } from "./config.command.ts";
import { registerEnqueueCommand } from "./enqueue.command.ts";
import { registerOpsCommands } from "./ops.command.ts";
import { registerServeCommands } from "./serve.command.ts";
import { registerStatusCommand } from "./status.command.ts";
import { registerUserCommands } from "./user.command.ts";

// `pdfupload status | head`: the reader went away, which is no error of ours; leave quietly.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });

const program = new Command()
  .name("pdfupload")
  .description("Prepress hot-folder server for Prinect Signa Station sheets")
  .version(pkg.version)
  .addOption(new Option("--data <dir>", "data directory (default ./data or $PDFUPLOAD_DATA)"))
  .hook("preAction", (cmd) => {
    const data = cmd.opts().data as string | undefined;
    if (data) process.env.PDFUPLOAD_DATA = data;
  });

registerServeCommands(program);
registerEnqueueCommand(program);
registerAnalyzeCommands(program);
registerConfigCommands(program);
registerUserCommands(program);
registerStatusCommand(program);
registerOpsCommands(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  const err = e as Error & { problems?: unknown };
  process.stderr.write(`pdfupload: ${err.message}\n`);
  process.exit(1);
});
