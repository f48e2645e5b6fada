// `pdfupload enqueue FILE…`: what the seed's putting_job_in_the_queue.py did, for any file path.
import fs from "node:fs";
import type { Command } from "commander";
import { findByName } from "../util/names.ts";
import { withContext } from "./open-context.ts";

export function registerEnqueueCommand(program: Command): void {
  program
    .command("enqueue")
    .description("queue PDF files for processing (copied unless --move)")
    .argument("<files...>")
    .option("--move", "move the files instead of copying them")
    .option("--import", "import mode: date = file time, no delivery, no notification")
    .option("--bureau <name>", "bureau for files whose name and marks name none")
    .action(async (files: string[], o: { move?: boolean; import?: boolean; bureau?: string }) => {
      const { acceptFile } = await import("../intake/accept-file.ts");
      let bad = 0;
      await withContext(async (ctx) => {
        // A bureau the shop does not know would route nothing: refuse before any file is queued.
        if (o.bureau !== undefined) {
          const { bureaus } = await ctx.settings();
          const known = findByName(bureaus, o.bureau);
          if (!known) {
            const names = bureaus.map((b) => b.name).join(", ") || "none configured";
            process.stderr.write(`pdfupload: unknown bureau "${o.bureau}"; known bureaus: ${names}\n`);
            process.exitCode = 2;
            return;
          }
          o.bureau = known.name;
        }
        for (const f of files) {
          if (!fs.existsSync(f)) {
            process.stderr.write(`${f}: no such file\n`);
            bad++;
            continue;
          }
          const r = await acceptFile(ctx, {
            file: f,
            source: "cli",
            move: !!o.move,
            importMode: !!o.import,
            defaultBureau: o.bureau ?? null,
          });
          process.stdout.write(
            `${r.already ? "already queued as" : "queued as"} job ${r.job.id}: ${r.job.file_name}\n`,
          );
        }
      });
      process.exitCode ??= bad ? 1 : 0;
    });
}
