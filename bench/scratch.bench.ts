// The render's scratch-space estimate (made before it starts, from sheet size, resolution and
// separations; a job waits for that much room) against what the render really put on disk: the
// scratch folder's size sampled every few ms while it runs, plus what it left in the output folder.
// Sheets: Signa sheets of 1–8 pages in the mark dialects, with a spot colour or CMYK only, with
// images, and PDFs of other producers. Prints estimate / measured per sheet and over all.
// Run: npx tsx bench/scratch.bench.ts
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { analyzeFile } from "../src/analysis/analyze.ts";
import { renderSheets } from "../src/pipeline/steps/render/index.ts";
import { estimateScratch } from "../src/pipeline/steps/render/scratch-estimate.ts";
import { buildRealWorld } from "../test/fixtures/real-world.ts";
import { PROCESS, testSettings, writeSheet } from "../test/fixtures/signa.ts";
import { corpusSpec } from "./corpus.ts";

const settings = testSettings();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdfupload-scratch-bench-"));

async function treeBytes(d: string): Promise<number> {
  let n = 0;
  for (const e of await fsp.readdir(d, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (!e.isFile()) continue;
    n += (await fsp.stat(path.join(e.parentPath, e.name)).catch(() => null))?.size ?? 0;
  }
  return n;
}

const files: { name: string; file: string }[] = [];
for (let i = 0; i < 8; i++)
  files.push({ name: `signa ${i + 1}p`, file: await writeSheet(dir, `s${i}.pdf`, corpusSpec(i)) });
files.push({
  name: "signa 4p cmyk",
  file: await writeSheet(dir, "cmyk.pdf", { ...corpusSpec(3), colorants: PROCESS }),
});
files.push({ name: "signa 2p 8 MB image", file: await writeSheet(dir, "img.pdf", { pages: 2, imageMb: 8 }) });
for (const [i, r] of (await buildRealWorld(path.join(dir, "real"))).entries())
  files.push({ name: `other producer ${i + 1} (${r.pages}p)`, file: r.file });

const mb = (n: number) => (n / 1048576).toFixed(1).padStart(7);
// meas: sampled on disk (a lower bound: a raster lives only while its pass runs); own: the render's
// own count of its scratch files at their peak, plus its outputs.
console.log(
  `${"sheet".padEnd(28)} ${"pdf MB".padStart(7)} ${"est MB".padStart(7)} ${"meas MB".padStart(7)} ${"own MB".padStart(7)}  est/meas est/own`,
);
let est = 0;
let meas = 0;
let under = 0;
for (const f of files) {
  const analysis = await analyzeFile(f.file, { settings });
  const pdfBytes = (await fsp.stat(f.file)).size;
  const e = estimateScratch(analysis, settings.render, pdfBytes);
  const tmp = path.join(dir, "tmp");
  const out = path.join(dir, "out");
  await fsp.mkdir(tmp, { recursive: true });
  await fsp.mkdir(out, { recursive: true });
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await treeBytes(tmp)) + (await treeBytes(out)));
      await new Promise((r) => setTimeout(r, 3));
    }
  })();
  const r = await renderSheets({
    pdfPath: f.file,
    analysis,
    settings: settings.render,
    outDir: out,
    tmpDir: tmp,
  });
  sampling = false;
  await sampler;
  const outBytes = await treeBytes(out);
  peak = Math.max(peak, outBytes);
  const own = r.scratchPeakBytes + outBytes;
  const need = e.scratchBytes + e.outputBytes;
  est += need;
  meas += peak;
  if (need < Math.max(peak, own)) under++;
  console.log(
    `${f.name.padEnd(28)} ${mb(pdfBytes)} ${mb(need)} ${mb(peak)} ${mb(own)}  ${(need / Math.max(1, peak)).toFixed(2)}     ${(need / Math.max(1, own)).toFixed(2)}`,
  );
  await fsp.rm(tmp, { recursive: true, force: true });
  await fsp.rm(out, { recursive: true, force: true });
}
console.log(
  `over all: estimate/measured ${(est / meas).toFixed(2)}; sheets under-estimated: ${under} of ${files.length}`,
);
fs.rmSync(dir, { recursive: true, force: true });
