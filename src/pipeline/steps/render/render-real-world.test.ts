// Ink coverage on PDFs made by other producers (ps2pdf with a spot colour, embedded fonts and three
// page sizes; a Signa sheet redistilled by Ghostscript; a raster PDF around a CMYK JPEG): every page's
// separations agree with Ghostscript's tiffsep run on an independently cropped copy.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRealWorld, type RealWorld } from "../../../../test/fixtures/real-world.ts";
import { testSettings } from "../../../../test/fixtures/signa.ts";
import { analyzeFile } from "../../../analysis/analyze.ts";
import { renderSheets } from "./index.ts";
import { passDpi } from "./render-sheets.ts";
import { cropWithPdfLib, type Rect, tiffsepReference } from "./test-reference.ts";

const settings = testSettings();
const render = { ...settings.render, proofPx: 700, inkDpi: 36 };
let dir: string;
let corpus: RealWorld[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "pdfupload-render-real-"));
  corpus = await buildRealWorld(path.join(dir, "real"));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ink coverage on real-world PDFs", () => {
  it("every page and separation within 1 point of tiffsep; the spot colour measured by name", async () => {
    expect(corpus.length).toBeGreaterThanOrEqual(3);
    let spotSeen = 0;
    for (const [i, doc] of corpus.entries()) {
      const a = await analyzeFile(doc.file, { settings });
      expect(a.error, doc.name).toBeNull();
      const r = await renderSheets({
        pdfPath: doc.file,
        analysis: a,
        settings: render,
        outDir: path.join(dir, `out-${i}`),
      });
      expect(r.engine).toBe("ghostscript");
      expect(r.pages).toHaveLength(doc.pages);
      const ref = path.join(dir, `ref-${i}.pdf`);
      await cropWithPdfLib(
        doc.file,
        ref,
        r.pages.map((p) => p.inkAreaPt as Rect),
      );
      for (const p of r.pages) {
        expect(p.warning, `${doc.name} page ${p.page}`).toBeUndefined();
        const expected = await tiffsepReference(ref, p.page, passDpi(p.inkAreaPt, render, true));
        expect(Object.keys(expected).length).toBeGreaterThanOrEqual(4);
        for (const [ink, v] of Object.entries(expected))
          expect(Math.abs(p.inks[ink] - v), `${doc.name} page ${p.page} ${ink}`).toBeLessThanOrEqual(1);
        if ((p.inks["PANTONE 185 C"] ?? 0) > 1) spotSeen++;
      }
    }
    // The brochure paints PANTONE 185 C on pages 1 and 3.
    expect(spotSeen).toBe(2);
  }, 120_000);
});
