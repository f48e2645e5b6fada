// End to end with the analysis engine: Signa-like sheets (paper from marks, trim box, content box)
// analysed by analyzeFile, then rendered; crop, inks and spot names checked against Ghostscript.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as mupdf from "mupdf";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCorpus, type CorpusName, testSettings } from "../../../../test/fixtures/signa.ts";
import { analyzeFile } from "../../../analysis/analyze.ts";
import type { Analysis } from "../../../analysis/types.ts";
import { noteTexts } from "../../../util/note.ts";
import { measureInks, renderToDir } from "./index.ts";
import { passDpi } from "./render-sheets.ts";
import { cropWithPdfLib, type Rect, tiffsepReference } from "./test-reference.ts";

const settings = testSettings();
const render = { ...settings.render, proofPx: 800, inkDpi: 36 };
let dir: string;
let corpus: Record<CorpusName, string>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "pdfupload-render-signa-"));
  corpus = await buildCorpus(path.join(dir, "corpus"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases: [CorpusName, string][] = [
  ["tes", "mark"],
  ["trimBox", "trim-box"],
  ["noMarks", "content"],
];

describe("render after analyzeFile", () => {
  for (const [name, paperBy] of cases) {
    it(`${name}: preview, proof and inks follow the analysis's paper rect (${paperBy})`, async () => {
      const file = corpus[name];
      const a: Analysis = await analyzeFile(file, { settings });
      expect(a.error).toBeNull();
      expect(a.sheets[0].paperBy).toBe(paperBy);
      const paper = a.sheets[0].paperRectPt as Rect;
      expect(paper).toBeTruthy();
      const out = path.join(dir, `out-${name}`);
      const r = await renderToDir(file, a, render, out);
      expect(noteTexts(r.warnings)).toEqual([]);

      const doc = mupdf.PDFDocument.openDocument(readFileSync(r.previewPdf as string)) as mupdf.PDFDocument;
      const mb = doc.findPage(0).getInheritable("MediaBox").asJS() as number[];
      doc.destroy();
      expect(mb[2] - mb[0]).toBeCloseTo(paper[2] - paper[0], 0);
      expect(mb[3] - mb[1]).toBeCloseTo(paper[3] - paper[1], 0);
      const proof = await sharp(r.pages[0].proof as string).metadata();
      expect(proof.width / proof.height).toBeCloseTo((paper[2] - paper[0]) / (paper[3] - paper[1]), 2);
      expect((await sharp(r.pages[0].thumbnail as string).metadata()).width).toBe(175);

      // Every listed colorant is reported, spots by name, and each agrees with tiffsep on an
      // independently cropped copy at the same resolution.
      const p = r.pages[0];
      expect(Object.keys(p.inks)).toEqual(expect.arrayContaining(a.sheets[0].colorants));
      const ref = path.join(dir, `ref-${name}.pdf`);
      await cropWithPdfLib(
        file,
        ref,
        a.sheets.map((s) => s.paperRectPt as Rect),
      );
      const expected = await tiffsepReference(ref, 1, passDpi(paper, render, true));
      for (const [ink, v] of Object.entries(expected))
        expect(Math.abs(p.inks[ink] - v), ink).toBeLessThanOrEqual(1);
      if (a.sheets[0].colorants.includes("PANTONE Warm Red C"))
        expect(p.inks["PANTONE Warm Red C"]).toBeGreaterThan(0.5);

      const json = JSON.parse(readFileSync(path.join(out, "analysis.json"), "utf8")) as Analysis;
      expect(json.sheets[0].inks).toEqual(p.inks);
      expect(json.sheets[0].inkAreaPt).toEqual(paper);
    });
  }

  it("measureInks (analyze --inks) gives the same figures as a full render at the same resolution", async () => {
    const file = corpus.default;
    const a = await analyzeFile(file, { settings });
    const inksOnly = await measureInks(file, a, { ...render, proofPx: 100, inkDpi: 40 });
    const full = await renderToDir(
      file,
      a,
      { ...render, proofPx: 100, inkDpi: 40 },
      path.join(dir, "out-default"),
    );
    expect(inksOnly.sheets.map((s) => s.inks)).toEqual(full.pages.map((p) => p.inks));
    expect(inksOnly.sheets.every((s) => s.inksApproximate === false)).toBe(true);
  });
});
