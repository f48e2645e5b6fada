// The Ghostscript path on hand-made overprint/spot/white-overprint sheets: what the proof shows, what
// each separation measures (against Ghostscript run independently), and the crop geometry.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as mupdf from "mupdf";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSettings } from "../../../config/settings-schema.ts";
import { noteTexts } from "../../../util/note.ts";
import { ghostscriptAvailable, type RenderResult, renderSheets, renderToDir } from "./index.ts";
import { previewArgs } from "./preview-pdf.ts";
import { passDpi } from "./render-sheets.ts";
import {
  bigImagePage,
  buildOverprintPdf,
  deviceNPage,
  fixtureAnalysis,
  OVERPRINT_CYAN,
  OVERPRINT_MAGENTA,
  PAPER_PT,
  pageSpecs,
  SPOT_185,
  SPOT_ORANGE,
  SPOT_YELLOW,
  WHITE_KNOCKOUT,
  WHITE_WHITE,
} from "./test-fixtures.ts";
import { cropWithPdfLib, inkCovReference, rgbAt, tiffsepReference } from "./test-reference.ts";

const settings = { ...defaultSettings().render, proofPx: 600, thumbPx: 175, inkDpi: 72 };
const mid = (r: number[]) => [(r[0] + r[2]) / 2, (r[1] + r[3]) / 2] as const;

let dir: string;
let pdf: string;
let out: string;
let result: RenderResult;

beforeAll(async () => {
  expect(await ghostscriptAvailable()).toBe(true);
  dir = mkdtempSync(path.join(os.tmpdir(), "pdfupload-render-test-"));
  pdf = path.join(dir, "0537_overprint.pdf");
  writeFileSync(pdf, await buildOverprintPdf({ extraPages: [bigImagePage()] }));
  out = path.join(dir, "out");
  result = await renderSheets({ pdfPath: pdf, analysis: fixtureAnalysis(pdf, 5), settings, outDir: out });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("overprint and spot colours (Ghostscript)", () => {
  it("renders with Ghostscript, no warnings", () => {
    expect(result.engine).toBe("ghostscript");
    expect(noteTexts(result.warnings)).toEqual([]);
    expect(result.pages.map((p) => p.inksApproximate)).toEqual([false, false, false, false, false]);
  });

  it("a magenta rect overprinting cyan shows both inks in the proof and in both separations", async () => {
    const p = result.pages[0];
    const overlap = [OVERPRINT_MAGENTA[0], OVERPRINT_CYAN[1], OVERPRINT_CYAN[2], OVERPRINT_CYAN[3]];
    const [r, g, b] = await rgbAt(p.proof as string, PAPER_PT, ...mid(overlap));
    expect(b).toBeGreaterThan(110); // blue-ish: cyan + magenta, not the magenta alone a knockout leaves
    expect(r).toBeLessThan(110);
    expect(g).toBeLessThan(110);
    const cyanOnly = await rgbAt(p.proof as string, PAPER_PT, 100, 140);
    expect(cyanOnly[0]).toBeLessThan(60);
    expect(cyanOnly[2]).toBeGreaterThan(200);
    // 200×180 cyan and 180×180 magenta on 300×200 paper: both kept whole by overprint.
    expect(p.inks.Cyan).toBeCloseTo(60, 0);
    expect(p.inks.Magenta).toBeCloseTo(54, 0);
    // The black mark outside the paper is not measured.
    expect(p.inks.Black).toBe(0);
    expect(p.inkTotal).toBeCloseTo(p.inks.Cyan + p.inks.Magenta, 1);
  });

  it("the proof is colour-managed (CMYK → sRGB via ICC), not channel arithmetic", async () => {
    // Naive 255·(1−C)(1−K) would give pure cyan as (0, 255, 255).
    const [r, g, b] = await rgbAt(result.pages[0].proof as string, PAPER_PT, 100, 140);
    expect(r).toBeLessThan(40);
    expect(g).toBeGreaterThan(130);
    expect(g).toBeLessThan(215);
    expect(b).toBeGreaterThan(200);
  });

  it("Separation and DeviceN spots appear in the proof and in their own separations by name", async () => {
    const p = result.pages[1];
    expect(Object.keys(p.inks)).toEqual([
      "Cyan",
      "Magenta",
      "Yellow",
      "Black",
      "PANTONE 185 C",
      "Orange Spot",
      "PANTONE Warm Red C",
    ]);
    expect(p.inks["PANTONE 185 C"]).toBeCloseTo(12, 0); // 80×90
    expect(p.inks["Orange Spot"]).toBeCloseTo(13.2, 0); // 90×110 at 80 %
    expect(p.inks["PANTONE Warm Red C"]).toBe(0); // listed by Signa, never inked
    // The spot overprints yellow: yellow stays whole (140×180), and no process ink stands in for spots.
    expect(p.inks.Yellow).toBeCloseTo(42, 0);
    expect(p.inks.Magenta).toBe(0);
    const red = await rgbAt(p.proof as string, PAPER_PT, ...mid(SPOT_185));
    expect(red[0]).toBeGreaterThan(180);
    expect(red[1]).toBeLessThan(100);
    const orange = await rgbAt(p.proof as string, PAPER_PT, ...mid(SPOT_ORANGE));
    expect(orange[0]).toBeGreaterThan(200);
    expect(orange[1]).toBeGreaterThan(90);
    expect(orange[1]).toBeLessThan(200);
    expect(orange[2]).toBeLessThan(120);
    const yellow = await rgbAt(p.proof as string, PAPER_PT, SPOT_YELLOW[0] + 10, SPOT_YELLOW[3] - 10);
    expect(yellow[2]).toBeLessThan(80);
  });

  it("white set to overprint (OPM 1) vanishes as on press; a knockout white stays white", async () => {
    const p = result.pages[2];
    const under = await rgbAt(p.proof as string, PAPER_PT, ...mid(WHITE_WHITE));
    expect(Math.max(...under)).toBeLessThan(80);
    const knockout = await rgbAt(p.proof as string, PAPER_PT, ...mid(WHITE_KNOCKOUT));
    expect(Math.min(...knockout)).toBeGreaterThan(235);
    // 280×180 black minus the 30×30 knockout; the overprinting white takes nothing away.
    expect(p.inks.Black).toBeCloseTo(82.5, 0);
  });
});

describe("DeviceN with a process and a spot component", () => {
  it("overprints: cyan survives, Magenta and Silver get their own plates", async () => {
    const file = path.join(dir, "devicen.pdf");
    writeFileSync(file, await buildOverprintPdf({ pages: [deviceNPage()] }));
    const a = fixtureAnalysis(file, 1, [{ colorants: ["Cyan", "Magenta", "Silver"] }]);
    const r = await renderSheets({
      pdfPath: file,
      analysis: a,
      settings,
      outDir: path.join(dir, "out-devicen"),
    });
    const inks = r.pages[0].inks;
    expect(inks.Cyan).toBeCloseTo(60, 0); // 200×180 of 300×200, not cut by the DeviceN fill
    expect(inks.Magenta).toBeCloseTo(13.5, 0); // 180×90 at 50 %
    expect(inks.Silver).toBeCloseTo(27, 0); // 180×90 at 100 %
    expect(inks.Black).toBe(0); // the alternate's black is not a plate
    const ref = path.join(dir, "devicen-ref.pdf");
    await cropWithPdfLib(file, ref, [PAPER_PT]);
    const expected = await tiffsepReference(ref, 1, passDpi(PAPER_PT, settings, true));
    for (const [ink, v] of Object.entries(expected))
      expect(Math.abs(inks[ink] - v), ink).toBeLessThanOrEqual(1);
    // Where both print, the proof shows cyan + half magenta + silver's grey: dark blue-violet, not white.
    const [rr, gg, bb] = await rgbAt(r.pages[0].proof as string, PAPER_PT, ...mid([160, 50, 260, 140]));
    expect(Math.max(rr, gg, bb)).toBeLessThan(200);
    expect(bb).toBeGreaterThan(rr);
  });
});

describe("ink coverage against Ghostscript run independently", () => {
  let ref: string;
  const dpi = passDpi(PAPER_PT, settings, true);
  beforeAll(async () => {
    ref = path.join(dir, "reference-cropped.pdf");
    await cropWithPdfLib(pdf, ref, Array(5).fill(PAPER_PT));
  });

  it("every separation within 1 point of tiffsep over the same box at the same resolution", async () => {
    for (const p of result.pages) {
      const expected = await tiffsepReference(ref, p.page, dpi);
      for (const [name, v] of Object.entries(expected)) {
        expect(Math.abs(p.inks[name] - v), `page ${p.page} ${name}`).toBeLessThanOrEqual(1);
      }
      expect(Object.keys(p.inks).sort()).toEqual(expect.arrayContaining(Object.keys(expected).sort()));
    }
  });

  it("process-only pages within 1 point of ink_cov", () => {
    for (const page of [1, 3, 4, 5]) {
      const expected = inkCovReference(ref, page, dpi);
      const got = result.pages[page - 1].inks;
      for (const ink of ["Cyan", "Magenta", "Yellow", "Black"]) {
        expect(Math.abs(got[ink] - expected[ink]), `page ${page} ${ink}`).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe("crop geometry and outputs", () => {
  it("every preview page's MediaBox is the paper rect (size), and proofs/thumbnails have its aspect", async () => {
    expect(result.previewPdf).toBe(path.join(out, "preview.pdf"));
    const doc = mupdf.PDFDocument.openDocument(
      readFileSync(result.previewPdf as string),
    ) as mupdf.PDFDocument;
    expect(doc.countPages()).toBe(5);
    const paperW = PAPER_PT[2] - PAPER_PT[0];
    const paperH = PAPER_PT[3] - PAPER_PT[1];
    for (let i = 0; i < 5; i++) {
      const mb = doc.findPage(i).getInheritable("MediaBox");
      const v = [0, 1, 2, 3].map((k) => mb.get(k).asNumber());
      expect(v[2] - v[0]).toBeCloseTo(paperW, 0);
      expect(v[3] - v[1]).toBeCloseTo(paperH, 0);
    }
    doc.destroy();
    for (const p of result.pages) {
      expect(p.inkAreaPt).toEqual(PAPER_PT);
      const proof = await sharp(p.proof as string).metadata();
      expect(Math.max(proof.width, proof.height)).toBe(600);
      expect(proof.width / proof.height).toBeCloseTo(paperW / paperH, 2);
      const thumb = await sharp(p.thumbnail as string).metadata();
      expect(thumb.width).toBe(175);
      expect(thumb.height).toBe(Math.round((175 * paperH) / paperW));
    }
  });

  it("the preview PDF, rendered back, looks like the proof", async () => {
    const png = path.join(dir, "back.png");
    for (const page of [1, 2, 3]) {
      execFileSync("gs", [
        "-q",
        "-dSAFER",
        "-dBATCH",
        "-dNOPAUSE",
        "-sDEVICE=png16m",
        "-dOverprint=/simulate",
        "-r144",
        `-dFirstPage=${page}`,
        `-dLastPage=${page}`,
        `-sOutputFile=${png}`,
        result.previewPdf as string,
      ]);
      const size = { width: 150, height: 100 };
      const a = await sharp(png)
        .resize(size.width, size.height, { fit: "fill" })
        .removeAlpha()
        .raw()
        .toBuffer();
      const b = await sharp(result.pages[page - 1].proof as string)
        .resize(size.width, size.height, { fit: "fill" })
        .raw()
        .toBuffer();
      let diff = 0;
      for (let i = 0; i < a.length; i++) diff += Math.abs(a[i] - b[i]);
      expect(diff / a.length, `page ${page}`).toBeLessThan(12);
    }
  });

  it("the preview keeps every colour as the source has it (pdfwrite's colour-link shortcut changes nothing)", async () => {
    const src = path.join(dir, "colours.pdf");
    const rgbGray = {
      ops: "0.9 0.2 0.1 rg 60 50 120 100 re f 0.4 g 200 50 120 100 re f",
      mediaBox: PAPER_PT,
    };
    writeFileSync(src, await buildOverprintPdf({ extraPages: [rgbGray, bigImagePage(300, 200)] }));
    const raster = (preview: string, tag: string) => {
      execFileSync("gs", [
        "-q",
        "-dSAFER",
        "-dBATCH",
        "-dNOPAUSE",
        "-sDEVICE=pamcmyk32", // pixels only: a TIFF carries its time of writing
        "-r36",
        `-sOutputFile=${path.join(dir, `${tag}-%d.pam`)}`,
        preview,
      ]);
      return readdirSync(dir)
        .filter((f) => f.startsWith(`${tag}-`))
        .sort()
        .map((f) => readFileSync(path.join(dir, f)));
    };
    const fast = path.join(dir, "fast.pdf");
    const managed = path.join(dir, "managed.pdf");
    execFileSync("gs", previewArgs(src, fast, 150));
    execFileSync(
      "gs",
      previewArgs(src, managed, 150).filter((a) => a !== "-dUseFastColor"),
    );
    expect(previewArgs(src, fast, 150)).toContain("-dUseFastColor");
    const [a, b] = [raster(fast, "fast"), raster(managed, "managed")];
    expect(a).toHaveLength(pageSpecs().length + 2);
    for (const [i, page] of a.entries()) expect(page.equals(b[i]), `page ${i + 1}`).toBe(true);
  });

  it("colour images in the preview are downsampled to previewPpi; vectors stay vectors", () => {
    const doc = mupdf.PDFDocument.openDocument(
      readFileSync(result.previewPdf as string),
    ) as mupdf.PDFDocument;
    const widthOf = (d: mupdf.PDFDocument, page: number) => {
      const xo = d
        .findPage(page - 1)
        .get("Resources")
        .get("XObject");
      let w = 0;
      xo.forEach((v) => {
        if (v.get("Subtype").asName() === "Image") w = Math.max(w, v.get("Width").asNumber());
      });
      return w;
    };
    // 1500 px over 300 pt = 360 ppi in the original; 150 ppi → 625 px.
    const w = widthOf(doc, 5);
    expect(w).toBeGreaterThan(560);
    expect(w).toBeLessThanOrEqual(630);
    // Page 1 is pure vector art: no image appears.
    expect(widthOf(doc, 1)).toBe(0);
    doc.destroy();
  });

  it("a page with /Rotate 90 gives a portrait proof of the rotated paper, same inks", async () => {
    const rotated = path.join(dir, "rotated.pdf");
    writeFileSync(rotated, await buildOverprintPdf({ pages: [{ ...pageSpecs()[0], rotate: 90 }] }));
    const r = await renderSheets({
      pdfPath: rotated,
      analysis: fixtureAnalysis(rotated, 1),
      settings,
      outDir: path.join(dir, "out-rotated"),
    });
    const proof = await sharp(r.pages[0].proof as string).metadata();
    expect(proof.height).toBe(600);
    expect(proof.width).toBe(400);
    expect((await sharp(r.pages[0].thumbnail as string).metadata()).width).toBe(175);
    expect(r.pages[0].inks.Cyan).toBeCloseTo(60, 0);
    expect(r.pages[0].inks.Magenta).toBeCloseTo(54, 0);
  });

  it('proofPages "first" proofs page 1 only and measures the same inks on every page', async () => {
    const r = await renderSheets({
      pdfPath: pdf,
      analysis: fixtureAnalysis(pdf, 5),
      settings,
      outDir: path.join(dir, "out-first"),
      proofPages: "first",
    });
    expect(existsSync(r.pages[0].proof as string)).toBe(true);
    expect(r.pages.slice(1).map((p) => [p.proof, p.thumbnail])).toEqual(Array(4).fill([null, null]));
    expect(readdirSync(path.join(dir, "out-first")).sort()).toEqual([
      "preview.pdf",
      "proof-1.jpg",
      "thumb-1.jpg",
    ]);
    // Pages 2-5 are measured at inkDpi (72) instead of the proof's 144 dpi: same figures within 1 point.
    for (const [i, p] of r.pages.entries()) {
      for (const [ink, v] of Object.entries(p.inks))
        expect(Math.abs(v - result.pages[i].inks[ink]), ink).toBeLessThanOrEqual(1);
    }
  });

  it("renderToDir writes analysis.json with inks per sheet", async () => {
    const out2 = path.join(dir, "out2");
    const r = await renderToDir(pdf, fixtureAnalysis(pdf, 5), { ...settings, proofPx: 200 }, out2);
    const files = readdirSync(out2).sort();
    expect(files).toEqual(
      expect.arrayContaining(["analysis.json", "preview.pdf", "proof-1.jpg", "thumb-5.jpg"]),
    );
    const a = JSON.parse(readFileSync(r.analysisJson, "utf8"));
    expect(a.sheets[1].inks["PANTONE 185 C"]).toBeCloseTo(12, 0);
    expect(a.sheets[1].inkAreaPt).toEqual(PAPER_PT);
    expect(a.sheets[1].inksApproximate).toBe(false);
    expect(existsSync(path.join(out2, "proof-5.jpg"))).toBe(true);
  });
});
