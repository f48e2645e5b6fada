// `pdfupload analyze FILE… --json [--inks]` and `pdfupload render FILE --out DIR`: the analysis
// engine and the renderer on their own, without the queue (settings from --config or the journal).
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { analyzeFile } from "../analysis/analyze.ts";
import type { Analysis } from "../analysis/types.ts";
import { dataPaths, readRuntime } from "../config/runtime.ts";
import { parseSettingsYaml } from "../config/settings-file.ts";
import type { Settings } from "../config/settings-schema.ts";
import { defaultSettings } from "../config/settings-schema.ts";
import { analyzeIsolated } from "../isolation/isolated.ts";
import { closeSharedPool } from "../isolation/pdf-pool.ts";
import { withContext } from "./open-context.ts";

async function loadSettings(configFile?: string): Promise<Settings> {
  if (configFile) return parseSettingsYaml(fs.readFileSync(configFile, "utf8"));
  // No --config: the shop's stored settings when a journal exists, defaults otherwise.
  if (!fs.existsSync(dataPaths(readRuntime().dataDir).sqlite) && !process.env.DATABASE_URL)
    return defaultSettings();
  return withContext((ctx) => ctx.settingsRepo.get());
}

function printHuman(a: Analysis): string {
  if (a.error) return `${a.file}: REFUSED (${a.error.code}) ${a.error.message}\n`;
  const lines = [
    `${a.file}: ${a.pages} complect(s), ${a.plates} plate(s), bureau ${a.bureau ?? "?"} (${a.bureauBy ?? "-"}), order ${a.order ?? "?"} ${a.orderName ?? ""}`,
  ];
  for (const s of a.sheets) {
    lines.push(
      `  page ${s.page}: press ${s.press ?? "?"} (${s.pressBy ?? "-"}), plate ${s.plateMm.join("×")} mm, paper ${s.paperMm?.join("×") ?? "?"} (${s.paperBy ?? "-"}), ${s.colorants.join(", ")}`,
    );
    if (s.inks)
      lines.push(
        `    inks: ${Object.entries(s.inks)
          .map(([k, v]) => `${k} ${v}%`)
          .join(", ")}`,
      );
  }
  for (const w of a.warnings) lines.push(`  warning: ${w}`);
  return `${lines.join("\n")}\n`;
}

export function registerAnalyzeCommands(program: Command): void {
  program
    .command("analyze")
    .description("analyse PDF files; one JSON object per file with --json (exit 2 if any was refused)")
    .argument("<files...>")
    .option("--json", "one JSON object per line")
    .option("--inks", "also measure ink coverage per separation (renders each page)")
    .option("--config <file>", "settings YAML to use instead of the stored settings")
    .option("--in-process", "read in this process, without the child process and its time/memory limits")
    .action(
      async (
        files: string[],
        o: { json?: boolean; inks?: boolean; config?: string; inProcess?: boolean },
      ) => {
        const settings = await loadSettings(o.config);
        let refused = false;
        const read = (file: string) => {
          const opts = { settings, fileName: path.basename(file) };
          return o.inProcess ? analyzeFile(file, opts) : analyzeIsolated(file, opts);
        };
        for (const file of files) {
          let a = await read(file);
          if (o.inks && !a.error) {
            const { measureInks } = await import("../pipeline/steps/render/index.ts");
            a = await measureInks(file, a, settings.render);
          }
          if (a.error) refused = true;
          process.stdout.write(o.json ? `${JSON.stringify(a)}\n` : printHuman(a));
        }
        await closeSharedPool();
        process.exitCode = refused ? 2 : 0;
      },
    );
  program
    .command("render")
    .description("write preview PDF, proofs, thumbnails and analysis.json for one file")
    .argument("<file>")
    .requiredOption("--out <dir>", "output folder")
    .option("--config <file>", "settings YAML to use instead of the stored settings")
    .action(async (file: string, o: { out: string; config?: string }) => {
      const settings = await loadSettings(o.config);
      const a = await analyzeIsolated(file, { settings, fileName: path.basename(file) });
      await closeSharedPool();
      if (a.error) {
        process.stderr.write(printHuman(a));
        process.exitCode = 2;
        return;
      }
      const { renderToDir } = await import("../pipeline/steps/render/index.ts");
      const out = await renderToDir(file, a, settings.render, o.out);
      process.stdout.write(`${JSON.stringify(out)}\n`);
    });
}
