// `pdfupload config import FILE` / `config export`: the shop's settings as one YAML file. The YAML
// and schema code is imported when a subcommand runs.
import fs from "node:fs";
import type { Command } from "commander";
import { readRuntime } from "../config/runtime.ts";
import type { Settings } from "../config/settings-schema.ts";
import { withJournal } from "./open-context.ts";

export function registerConfigCommands(program: Command): void {
  const config = program.command("config").description("import or export the settings as YAML");
  config
    .command("import")
    .description(
      "replace the whole settings document with a YAML file (refused whole, every problem listed, if any part is wrong)",
    )
    .argument("<file>")
    .option("--reset", "accept a document that empties the shop (no presses or bureaus, or empty)")
    .action(async (file: string, o: { reset?: boolean }) => {
      const { parseShopSettings, refusedFileMessage, SettingsError } = await import(
        "../config/settings-file.ts"
      );
      const managed = readRuntime().configFile;
      if (managed) {
        // The server would put its file back at the next start or reload: say so instead.
        process.stderr.write(
          `pdfupload: the settings are managed by PDFUPLOAD_CONFIG (${managed}); edit that file and reload the server (systemctl reload pdfupload). Nothing was imported.\n`,
        );
        process.exitCode = 2;
        return;
      }
      const text = fs.readFileSync(file, "utf8");
      const settings = await withJournal(async (ctx) => {
        let s: Settings;
        try {
          // Every problem in one pass, secrets sealed with another server's key among them.
          s = parseShopSettings(text, { reset: o.reset, canOpen: ctx.settingsRepo.canOpen });
        } catch (e) {
          if (e instanceof SettingsError) {
            process.stderr.write(`${refusedFileMessage(file, e)}\nNothing was imported.\n`);
            return null;
          }
          throw e;
        }
        await ctx.settingsRepo.save(s);
        await ctx.users.audit(null, "config.import", { file });
        return s;
      });
      if (!settings) {
        process.exitCode = 2;
        return;
      }
      process.stdout.write(
        `imported ${settings.presses.length} press(es), ${settings.bureaus.length} bureau(s), ${settings.targets.length} target(s); the whole settings document was replaced\n`,
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
