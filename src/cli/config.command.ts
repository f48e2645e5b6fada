// `pdfupload config import FILE` / `config export`: the shop's settings as one YAML file. The YAML
// and schema code is imported when a subcommand runs.
import fs from "node:fs";
import type { Command } from "commander";
import type { Settings } from "../config/settings-schema.ts";
import { withJournal } from "./open-context.ts";

export function registerConfigCommands(program: Command): void {
  const config = program.command("config").description("import or export the settings as YAML");
  config
    .command("import")
    .description("replace the settings with a YAML file (refused whole if any part is wrong)")
    .argument("<file>")
    .option("--reset", "accept a document that empties the shop (no presses or bureaus, or empty)")
    .action(async (file: string, o: { reset?: boolean }) => {
      const { parseShopSettings, refusedFileMessage, SettingsError } = await import(
        "../config/settings-file.ts"
      );
      let settings: Settings;
      try {
        settings = parseShopSettings(fs.readFileSync(file, "utf8"), { reset: o.reset });
      } catch (e) {
        if (e instanceof SettingsError) {
          process.stderr.write(`${refusedFileMessage(file, e)}\nNothing was imported.\n`);
          process.exit(2);
        }
        throw e;
      }
      await withJournal(async (ctx) => {
        await ctx.settingsRepo.save(settings);
        await ctx.users.audit(null, "config.import", { file });
      });
      process.stdout.write(
        `imported ${settings.presses.length} press(es), ${settings.bureaus.length} bureau(s), ${settings.targets.length} target(s)\n`,
      );
    });
  config
    .command("export")
    .description("print the settings as YAML (secrets stay encrypted)")
    .option("-o, --out <file>", "write to a file instead of stdout")
    .action(async (o: { out?: string }) => {
      const { settingsToYaml } = await import("../config/settings-file.ts");
      const text = await withJournal(async (ctx) => settingsToYaml(await ctx.settingsRepo.getSealed()));
      if (o.out) fs.writeFileSync(o.out, text);
      else process.stdout.write(text);
    });
}
