// Reading a page raster back must not hold the event loop (the web server shares it in `npm start`):
// the coverage sum yields between chunks. Checked deterministically, by counting the turns the loop
// takes while one big raster is read, and against the raster's known coverage.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tiffChannelCoverage, tiffComplete } from "./tiff-reader.ts";

let dir: string;
let tif: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "pdfupload-tiff-"));
  // A 400 × 300 pt page, left half 100 % cyan, at 600 dpi: 3333 × 2500 px, 33 MB of CMYK.
  const pdf = path.join(dir, "half-cyan.pdf");
  const ops = "1 0 0 0 k 0 0 200 300 re f";
  writeFileSync(
    pdf,
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 1/Kids[3 0 R]>>endobj\n` +
      `3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 400 300]/Contents 4 0 R>>endobj\n` +
      `4 0 obj<</Length ${ops.length}>>stream\n${ops}\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );
  tif = path.join(dir, "page.tif");
  execFileSync("gs", [
    "-q",
    "-dSAFER",
    "-dBATCH",
    "-dNOPAUSE",
    "-sDEVICE=tiff32nc",
    "-r600",
    "-sCompression=none",
    `-sOutputFile=${tif}`,
    pdf,
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tiffChannelCoverage", () => {
  it("sums a big raster in chunks, letting the event loop turn in between", async () => {
    expect(statSync(tif).size).toBeGreaterThan(30e6);
    let turns = 0;
    let on = true;
    const spin = () => {
      turns++;
      if (on) setImmediate(spin);
    };
    setImmediate(spin);
    const r = await tiffChannelCoverage(tif, true);
    on = false;
    expect(r.width).toBe(3333);
    expect(r.coverage[0]).toBeCloseTo(50, 0);
    expect(r.coverage.slice(1)).toEqual([0, 0, 0]);
    // The strongest pixel of each channel: full cyan, nothing else.
    expect(r.peak).toEqual([100, 0, 0, 0]);
    // 33 MB in 4 MB chunks: the loop turned between them (a synchronous read would give 0 turns).
    expect(turns).toBeGreaterThanOrEqual(4);
    expect(tiffComplete(tif)).toBe(true);
  });

  it("gives each tiffsep separation's peak (ink stored as 0) apart from its coverage", async () => {
    const pdf = path.join(dir, "faint.pdf");
    // A 10 % magenta tint over the whole page and one small solid cyan square.
    const ops = "0 0.1 0 0 k 0 0 400 300 re f 1 0 0 0 k 10 10 4 4 re f";
    writeFileSync(
      pdf,
      `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 1/Kids[3 0 R]>>endobj\n` +
        `3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 400 300]/Contents 4 0 R>>endobj\n` +
        `4 0 obj<</Length ${ops.length}>>stream\n${ops}\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
    );
    const out = path.join(dir, "sep.tif");
    execFileSync("gs", [
      "-q",
      "-dSAFER",
      "-dBATCH",
      "-dNOPAUSE",
      "-sDEVICE=tiffsep",
      "-r72",
      "-sCompression=none",
      `-sOutputFile=${out}`,
      pdf,
    ]);
    const cyan = await tiffChannelCoverage(path.join(dir, "sep(Cyan).tif"), false);
    const magenta = await tiffChannelCoverage(path.join(dir, "sep(Magenta).tif"), false);
    const yellow = await tiffChannelCoverage(path.join(dir, "sep(Yellow).tif"), false);
    expect(cyan.coverage[0]).toBeLessThan(0.05);
    expect(cyan.peak[0]).toBeGreaterThan(95);
    expect(magenta.coverage[0]).toBeCloseTo(10, 0);
    expect(magenta.peak[0]).toBeCloseTo(10, 0);
    expect(yellow.peak[0]).toBe(0);
  });
});
