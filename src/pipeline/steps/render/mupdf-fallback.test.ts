// Without Ghostscript (forced with PDFUPLOAD_NO_GS=1) the render still delivers every output, made
// with MuPDF.js in a worker thread, and says loudly that it is approximate.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as mupdf from "mupdf";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSettings } from "../../../config/settings-schema.ts";
import { noteTexts } from "../../../util/note.ts";
import {
  GHOSTSCRIPT_HINT,
  ghostscriptAvailable,
  measureInks,
  type RenderResult,
  renderSheets,
} from "./index.ts";
import { buildOverprintPdf, fixtureAnalysis, OVERPRINT_CYAN, PAPER_PT } from "./test-fixtures.ts";
import { rgbAt } from "./test-reference.ts";

const settings = { ...defaultSettings().render, proofPx: 400, inkDpi: 72 };
let dir: string;
let pdf: string;
let result: RenderResult;
const before = process.env.PDFUPLOAD_NO_GS;

beforeAll(async () => {
  process.env.PDFUPLOAD_NO_GS = "1";
  dir = mkdtempSync(path.join(os.tmpdir(), "pdfupload-render-mupdf-"));
  pdf = path.join(dir, "sheet.pdf");
  writeFileSync(pdf, await buildOverprintPdf());
  result = await renderSheets({
    pdfPath: pdf,
    analysis: fixtureAnalysis(pdf, 4),
    settings,
    outDir: path.join(dir, "out"),
  });
});
afterAll(() => {
  if (before === undefined) delete process.env.PDFUPLOAD_NO_GS;
  else process.env.PDFUPLOAD_NO_GS = before;
  rmSync(dir, { recursive: true, force: true });
});

describe("MuPDF fallback (PDFUPLOAD_NO_GS=1)", () => {
  it("reports Ghostscript as unavailable and has an install hint", async () => {
    expect(await ghostscriptAvailable()).toBe(false);
    expect(GHOSTSCRIPT_HINT).toMatch(/apt-get install ghostscript/);
  });

  it("writes preview, proofs and thumbnails, all flagged approximate with a warning", async () => {
    expect(result.engine).toBe("mupdf");
    expect(noteTexts(result.warnings).join(" ")).toMatch(/without overprint simulation/);
    expect(existsSync(result.previewPdf as string)).toBe(true);
    const doc = mupdf.PDFDocument.openDocument(
      readFileSync(result.previewPdf as string),
    ) as mupdf.PDFDocument;
    const mb = doc.findPage(0).getInheritable("MediaBox").asJS() as number[];
    expect(mb).toEqual(PAPER_PT);
    doc.destroy();
    for (const p of result.pages) {
      expect(p.inksApproximate).toBe(true);
      expect(p.inkAreaPt).toEqual(PAPER_PT);
      const proof = await sharp(p.proof as string).metadata();
      expect(Math.max(proof.width, proof.height)).toBe(400);
      expect((await sharp(p.thumbnail as string).metadata()).width).toBe(175);
    }
  });

  it("still measures process inks and lists every colorant", async () => {
    const [p1, p2] = result.pages;
    // MuPDF knocks the cyan out under the magenta: 100×180 of cyan remain visible, not 200×180.
    expect(p1.inks.Cyan).toBeCloseTo(30, 0);
    expect(p1.inks.Magenta).toBeCloseTo(54, 0);
    expect(Object.keys(p2.inks)).toEqual(
      expect.arrayContaining(["PANTONE 185 C", "Orange Spot", "PANTONE Warm Red C"]),
    );
    const [r, , b] = await rgbAt(p1.proof as string, PAPER_PT, OVERPRINT_CYAN[0] + 20, 140);
    expect(r).toBeLessThan(60);
    expect(b).toBeGreaterThan(200);
  });

  it("measureInks fills inks, inkAreaPt and inksApproximate on each sheet", async () => {
    const a = await measureInks(pdf, fixtureAnalysis(pdf, 4), settings);
    expect(a.sheets.every((s) => s.inksApproximate === true && s.inkAreaPt && s.inks)).toBe(true);
    expect(noteTexts(a.warnings).join(" ")).toMatch(/apt-get install ghostscript/);
  });
});
