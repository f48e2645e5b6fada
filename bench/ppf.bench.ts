// What ink-key presets cost: the render step's engine on Signa sheets with the press's ink zones
// off (the render alone: preview, proofs, ink coverage) and on (the same pass also gathers each
// separation's zone rasters; zone coverage and one CIP3 PPF per sheet are written). Both in this
// process, interleaved, so the machine's load hits both alike; printed per sheet and as a ratio.
//
// Run: npx tsx bench/ppf.bench.ts [--repeat 5] [--pages 4] [--dpi 72]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeFile } from "../src/analysis/analyze.ts";
import { inkZonesSchema } from "../src/config/settings-schema.ts";
import { renderSheets } from "../src/pipeline/steps/render/index.ts";
import { testSettings, threeMarks, writeSheet } from "../test/fixtures/signa.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const repeat = arg("repeat", 5);
const pages = arg("pages", 4);
const settings = testSettings();
const render = { ...settings.render, inkDpi: arg("dpi", settings.render.inkDpi) };
const zones = inkZonesSchema.parse({ count: 32, widthMm: 32.5 });

const dir = mkdtempSync(join(tmpdir(), "pdfupload-ppf-bench-"));
try {
  // A 1030 × 770 plate sheet with CMYK and two spots (tiffsep), and the same sheet CMYK only (tiff32nc).
  const files = {
    spots: await writeSheet(dir, "0537_Spots_Leonov.pdf", { pages, marks: threeMarks() }),
    cmyk: await writeSheet(dir, "0538_Cmyk_Leonov.pdf", {
      pages,
      marks: threeMarks(),
      colorants: ["Cyan", "Magenta", "Yellow", "Black"],
    }),
  };
  console.log(
    `ppf bench: ${pages} page(s) per file, ${repeat} rounds, inkDpi ${render.inkDpi}, load ${loadavg()[0].toFixed(2)}`,
  );
  for (const [kind, file] of Object.entries(files)) {
    const analysis = await analyzeFile(file, { settings });
    const once = async (withZones: boolean, round: number) => {
      const outDir = join(dir, `${kind}-${withZones ? "z" : "n"}-${round}`);
      const t = performance.now();
      const r = await renderSheets({
        pdfPath: file,
        analysis,
        settings: render,
        outDir,
        inkZones: withZones ? () => zones : undefined,
      });
      const ms = performance.now() - t;
      const ppfBytes = r.pages.reduce((s, p) => s + (p.ppf ? statSync(p.ppf).size : 0), 0);
      if (withZones && r.pages.some((p) => !p.inkZones || !p.ppf))
        throw new Error("a page has no ink zones / PPF");
      rmSync(outDir, { recursive: true, force: true });
      return { ms, ppfBytes };
    };
    await once(false, -1); // warm-up: gs and the file cache
    const plain: number[] = [];
    const zoned: number[] = [];
    let bytes = 0;
    for (let i = 0; i < repeat; i++) {
      // Alternate which goes first so drift in load spreads over both.
      if (i % 2 === 0) {
        plain.push((await once(false, i)).ms);
        const z = await once(true, i);
        zoned.push(z.ms);
        bytes = z.ppfBytes;
      } else {
        const z = await once(true, i);
        zoned.push(z.ms);
        bytes = z.ppfBytes;
        plain.push((await once(false, i)).ms);
      }
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    const p = median(plain) / pages;
    const z = median(zoned) / pages;
    console.log(
      `${kind.padEnd(6)} render alone ${p.toFixed(0)} ms/sheet · with ink zones + PPF ${z.toFixed(0)} ms/sheet · ratio ${(z / p).toFixed(3)} · PPF ${(bytes / pages / 1024).toFixed(0)} KiB/sheet`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
