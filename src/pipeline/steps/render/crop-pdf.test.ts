// The crop is an incremental update appended to a copy: it must read back the same in MuPDF and
// Ghostscript whatever the original's xref looks like, and leave the original untouched.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as mupdf from "mupdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manyPages } from "../../../../test/fixtures/hostile.ts";
import { breakXref, buildSheet, linearize, MM, resave } from "../../../../test/fixtures/signa.ts";
import { noteTexts } from "../../../util/note.ts";
import { type Rect, writeCroppedPdf } from "./crop-pdf.ts";
import { buildOverprintPdf, PAPER_PT } from "./test-fixtures.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "pdfupload-crop-test-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

function mupdfBoxes(file: string) {
  const doc = mupdf.PDFDocument.openDocument(readFileSync(file)) as mupdf.PDFDocument;
  try {
    const out = [];
    for (let i = 0; i < doc.countPages(); i++) {
      const p = doc.findPage(i);
      const get = (k: string) => {
        const o = p.getInheritable(k);
        return o.isNull() ? null : (o.asJS() as number[]);
      };
      out.push({
        media: get("MediaBox"),
        crop: get("CropBox"),
        trim: get("TrimBox"),
        bleed: get("BleedBox"),
      });
    }
    return { repaired: doc.wasRepaired(), pages: out };
  } finally {
    doc.destroy();
  }
}

/** Ghostscript's own idea of each page's MediaBox size (points), from -dPDFINFO. */
function gsPageSizes(file: string): [number, number][] {
  const r = spawnSync("gs", ["-q", "-dNODISPLAY", "-dSAFER", "-dPDFINFO", file], { encoding: "utf8" });
  return [...`${r.stdout}${r.stderr}`.matchAll(/MediaBox: \[([\d.\s-]+)\]/g)].map((m) => {
    const v = m[1].trim().split(/\s+/).map(Number);
    return [v[2] - v[0], v[3] - v[1]];
  });
}

describe("writeCroppedPdf", () => {
  for (const objectStreams of [false, true]) {
    it(`crops every page to its rect (${objectStreams ? "xref stream" : "classic xref"}); original untouched`, async () => {
      const src = path.join(dir, `src-${objectStreams}.pdf`);
      const dest = path.join(dir, `dest-${objectStreams}.pdf`);
      writeFileSync(src, await buildOverprintPdf({ objectStreams }));
      const before = sha(src);
      const r = writeCroppedPdf(src, dest, [PAPER_PT, null, [60, 50, 200, 150], PAPER_PT]);
      expect(sha(src)).toBe(before);
      expect(r.boxes).toEqual([PAPER_PT, [0, 0, 400, 300], [60, 50, 200, 150], PAPER_PT]);
      expect(noteTexts(r.warnings)).toEqual([]);
      // Appended, not rewritten: the copy starts with the original's bytes.
      expect(readFileSync(dest).subarray(0, statSync(src).size).equals(readFileSync(src))).toBe(true);
      const m = mupdfBoxes(dest);
      expect(m.repaired).toBe(false);
      expect(m.pages.map((p) => p.media)).toEqual(r.boxes);
      expect(m.pages.map((p) => p.crop)).toEqual(r.boxes);
      // Page 1 had TrimBox = paper: still inside the new MediaBox.
      expect(m.pages[0].trim).toEqual(PAPER_PT);
      expect(gsPageSizes(dest)).toEqual(r.boxes.map((b) => [b[2] - b[0], b[3] - b[1]]));
    });
  }

  it("clips Trim/Bleed boxes of a Signa sheet and keeps mark XObjects and PieceInfo", async () => {
    const src = path.join(dir, "signa.pdf");
    writeFileSync(src, resave(await buildSheet({ pages: 2, trimBoxMm: "paper" })));
    const paper: Rect = [65 * MM, 40 * MM, 965 * MM, 680 * MM];
    const dest = path.join(dir, "signa-crop.pdf");
    writeCroppedPdf(src, dest, [paper, paper]);
    const m = mupdfBoxes(dest);
    expect(m.repaired).toBe(false);
    for (const p of m.pages) {
      for (const [a, b] of (p.media as number[]).map((v, i) => [v, paper[i]])) expect(a).toBeCloseTo(b, 2);
      // BleedBox was the whole plate: clipped to the paper.
      for (const [a, b] of (p.bleed as number[]).map((v, i) => [v, paper[i]])) expect(a).toBeCloseTo(b, 2);
    }
    const doc = mupdf.PDFDocument.openDocument(readFileSync(dest)) as mupdf.PDFDocument;
    expect(doc.findPage(0).get("PieceInfo").get("HDAG_COLORANT").isNull()).toBe(false);
    doc.destroy();
  });

  it("reads a linearised original and a repaired one (broken startxref)", async () => {
    const base = await buildSheet({ pages: 2 });
    const lin = linearize(base);
    expect(lin).not.toBeNull();
    const paper: Rect = [100, 100, 500, 400];
    for (const [name, bytes] of [
      ["lin", lin as Uint8Array],
      ["broken", breakXref(base)],
    ] as const) {
      const src = path.join(dir, `${name}.pdf`);
      const dest = path.join(dir, `${name}-crop.pdf`);
      writeFileSync(src, bytes);
      const r = writeCroppedPdf(src, dest, [paper, paper]);
      expect(r.boxes).toEqual([paper, paper]);
      const m = mupdfBoxes(dest);
      expect(m.repaired, name).toBe(false);
      expect(m.pages.map((p) => p.media)).toEqual([paper, paper]);
      expect(gsPageSizes(dest)).toEqual([
        [400, 300],
        [400, 300],
      ]);
    }
  });

  it("warns and falls back to the page when the paper lies outside it", async () => {
    const src = path.join(dir, "outside.pdf");
    writeFileSync(src, await buildOverprintPdf());
    const r = writeCroppedPdf(src, path.join(dir, "outside-crop.pdf"), [
      [500, 500, 900, 900],
      [0, 0, 800, 300],
    ]);
    expect(r.boxes[0]).toEqual([0, 0, 400, 300]);
    expect(r.boxes[1]).toEqual([0, 0, 400, 300]);
    expect(noteTexts(r.warnings)).toEqual([
      "page 1: the paper lies outside the page; the whole page is shown",
      "page 2: the paper is larger than the page; cropped to the page",
    ]);
  });

  it("crops a 20 000-page file in one pass (pages looked up before any is changed)", () => {
    const src = path.join(dir, "many.pdf");
    writeFileSync(src, manyPages(20_000));
    const dest = path.join(dir, "many-cropped.pdf");
    // Looking a page up after each change rebuilt MuPDF's page tree every time: 62 s here; now < 1 s.
    const r = writeCroppedPdf(src, dest, Array(20_000).fill([0, 0, 300, 400]));
    expect(r.boxes).toHaveLength(20_000);
    const doc = mupdf.PDFDocument.openDocument(readFileSync(dest)) as mupdf.PDFDocument;
    expect(doc.findPage(19_999).getInheritable("MediaBox").asJS()).toEqual([0, 0, 300, 400]);
    doc.destroy();
  }, 15_000);
});
