// `pdfupload analyze FILE… --json [--inks]` and `pdfupload render FILE --out DIR`: the analysis
// engine and the renderer on their own, without the queue (settings from --config or the journal).
// What they run is imported when they run, so that `--help` and the other commands load none of it.
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import type { Analysis } from "../analysis/types.ts";
import { dataPaths, readRuntime } from "../config/runtime.ts";
import type { Settings } from "../config/settings-schema.ts";
import type { RenderResult } from "../pipeline/steps/render/index.ts";

async function loadSettings(configFile?: string): Promise<Settings> {
  if (configFile) {
    const { parseSettingsYaml } = await import("../config/settings-file.ts");
    return parseSettingsYaml(fs.readFileSync(configFile, "utf8"));
  }
  // No --config: the shop's stored settings when a journal exists, defaults otherwise.
  if (!fs.existsSync(dataPaths(readRuntime().dataDir).sqlite) && !process.env.DATABASE_URL)
    return (await import("../config/settings-schema.ts")).defaultSettings();
  const { withJournal } = await import("./open-context.ts");
  return withJournal((ctx) => ctx.settingsRepo.get());
}

/** The reader: in a child process with its limits (the PDF pool), or in this process (--in-process). */
async function reader() {
  const [{ analyzeIsolated }, { closeSharedPool }] = await Promise.all([
    import("../isolation/isolated.ts"),
    import("../isolation/pdf-pool.ts"),
  ]);
  return { analyzeIsolated, closeSharedPool };
}

/** Why a path given on the command line is no file to read, or null when it is one. */
function notAFile(file: string): string | null {
  try {
    return fs.statSync(file).isFile() ? null : "not a file";
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
  }
}

/** `render`'s short summary: what was made and where, the plates and inks per sheet. */
function printRendered(a: Analysis, out: RenderResult & { analysisJson: string }): string {
  const lines = [
    `${a.file}: ${a.pages} sheet(s), ${a.plates} plate(s), bureau ${a.bureau ?? "?"}, rendered by ${out.engine} in ${(out.timings.totalMs / 1000).toFixed(1)} s`,
    `  preview:  ${out.previewPdf ?? "not made"}`,
  ];
  for (const p of out.pages) {
    const inks = Object.entries(p.inks)
      .map(([k, v]) => `${k} ${v.toFixed(1)}%`)
      .join(", ");
    lines.push(`  sheet ${p.page}: proof ${p.proof ?? "not made"}, thumbnail ${p.thumbnail ?? "not made"}`);
    if (inks) lines.push(`    inks: ${inks}${p.inksApproximate ? " (approximate)" : ""}`);
    if (p.missing?.length)
      lines.push(`    missing: ${p.missing.join(", ")}${p.warning ? ` (${p.warning})` : ""}`);
  }
  lines.push(`  analysis: ${out.analysisJson}`);
  for (const w of out.warnings) lines.push(`  warning: ${w}`);
  return `${lines.join("\n")}\n`;
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
  for (const w of a.warnings) lines.push(`  warning: ${w.text}`);
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
        // The first PDF child starts while the settings load; both take about as long.
        if (!o.inProcess) (await import("../isolation/pdf-pool.ts")).prestartSharedPool();
        const settings = await loadSettings(o.config);
        const { analyzeIsolated, closeSharedPool } = await reader();
        // In this process only when asked: MuPDF then loads here instead of in the child.
        const inProcess = o.inProcess ? (await import("../analysis/analyze.ts")).analyzeFile : null;
        let refused = false;
        const read = (file: string) => {
          const opts = { settings, fileName: path.basename(file) };
          return inProcess ? inProcess(file, opts) : analyzeIsolated(file, opts);
        };
        for (const file of files) {
          const missing = notAFile(file);
          if (missing) {
            // The reader would call it damaged; it is only a wrong path. One line per file still.
            refused = true;
            if (o.json)
              process.stdout.write(
                `${JSON.stringify({ file: path.basename(file), path: file, error: { code: "no-such-file", message: missing } })}\n`,
              );
            else process.stderr.write(`${file}: ${missing}\n`);
            continue;
          }
          let a = await read(file);
          if (o.inks && !a.error) {
            const { measureInks } = await import("../pipeline/steps/render/index.ts");
            const { inkZonesOfPresses } = await import("../ppf/press-zones.ts");
            const { sheetSideOf } = await import("../ppf/sheet-side.ts");
            a = await measureInks(file, a, settings.render, {
              inkZones: inkZonesOfPresses(settings.presses),
              sideOf: sheetSideOf(settings.presses),
            });
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
    .option("--json", "print the render result as one JSON object instead of the summary")
    .action(async (file: string, o: { out: string; config?: string; json?: boolean }) => {
      const missing = notAFile(file);
      if (missing) {
        process.stderr.write(`${file}: ${missing}\n`);
        process.exitCode = 2;
        // bin/pdfupload.js may have started a PDF child already: it would keep the process alive.
        await (await import("../isolation/pdf-pool.ts")).closeSharedPool();
        return;
      }
      (await import("../isolation/pdf-pool.ts")).prestartSharedPool();
      const settings = await loadSettings(o.config);
      const { analyzeIsolated, closeSharedPool } = await reader();
      const a = await analyzeIsolated(file, { settings, fileName: path.basename(file) });
      await closeSharedPool();
      if (a.error) {
        process.stderr.write(printHuman(a));
        process.exitCode = 2;
        return;
      }
      const { renderToDir } = await import("../pipeline/steps/render/index.ts");
      const { inkZonesOfPresses } = await import("../ppf/press-zones.ts");
      const { sheetSideOf } = await import("../ppf/sheet-side.ts");
      const out = await renderToDir(file, a, settings.render, o.out, {
        inkZones: inkZonesOfPresses(settings.presses),
        sideOf: sheetSideOf(settings.presses),
      });
      process.stdout.write(o.json ? `${JSON.stringify(out)}\n` : printRendered(a, out));
    });
}
