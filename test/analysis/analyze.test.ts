import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeFile } from "../../src/analysis/analyze.ts";
import { mmToPt } from "../../src/pipeline/steps/inspect/geometry.ts";
import { noteTexts } from "../../src/util/note.ts";
import { buildCorpus, buildSheet, type CorpusName, testSettings } from "../fixtures/signa.ts";
import { hasPoppler, pdfinfo } from "./poppler.ts";

let dir: string;
let corpus: Record<CorpusName, string>;
const settings = testSettings();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pdfupload-analyze-"));
  corpus = await buildCorpus(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("analyzeFile", () => {
  it("analyses the default Signa sheet as the contract shows", async () => {
    const a = await analyzeFile(corpus.default, { settings });
    expect(a).toMatchObject({
      file: "0537_Technoyug_Flier_Leonov.pdf",
      isPdf: true,
      creator: "PrinectSignaStation",
      isSigna: true,
      pages: 2,
      plates: 10,
      bureau: "Leonov",
      bureauBy: "mark",
      order: "0537",
      orderName: "Technoyug_Flier",
      warnings: [],
      error: null,
    });
    expect(a.sheets).toHaveLength(2);
    expect(a.sheets[0]).toMatchObject({
      page: 1,
      press: "Speedmaster",
      pressBy: "mark",
      plateMm: [1030, 770],
      paperMm: [900, 640],
      paperBy: "mark",
      colorants: ["Cyan", "Magenta", "Yellow", "Black", "PANTONE Warm Red C"],
      marks: {
        Outputter: "Выведено: Leonov",
        Machine: "Машина: Speedmaster",
        Paper: "Бумага: 900.0 x 640.0",
      },
    });
    // The same rectangle the fixture placed the paper at: x = (1030−900)/2, y = gripper 40 mm.
    a.sheets[0].paperRectPt?.forEach((v, i) => {
      expect(v).toBeCloseTo([65, 40, 965, 680].map(mmToPt)[i], 2);
    });
    // The result is plain JSON (journal, API).
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  it("reads both tes_Outputter dialects, comma decimals and odd file names", async () => {
    const tes = await analyzeFile(corpus.tes, { settings });
    expect(tes).toMatchObject({
      bureau: "Vonoel",
      bureauBy: "mark",
      order: "0601",
      orderName: "Book cover «Весна» $(rm -rf) `x` 'q'",
    });
    expect(tes.sheets[0]).toMatchObject({
      press: "Speedmaster",
      pressBy: "mark",
      paperMm: [900, 640],
      paperBy: "mark",
    });
    const slash = await analyzeFile(corpus.tesSlash, { settings });
    expect(slash).toMatchObject({ bureau: "Korol", orderName: "Calendar", error: null });
    expect(slash.sheets[1]).toMatchObject({ press: "Speedmaster", paperMm: [900, 640] });
  });

  it("reads rotated, split and nested marks", async () => {
    const a = await analyzeFile(corpus.rotated, { settings });
    expect(a).toMatchObject({ bureau: "Leonov", bureauBy: "mark" });
    expect(a.sheets[0]).toMatchObject({ press: "Speedmaster", pressBy: "mark", paperBy: "mark" });
  });

  it("uses the Signa 21 TrimBox for the paper", async () => {
    const a = await analyzeFile(corpus.trimBox, { settings, defaultBureau: "Korol" });
    expect(a.sheets[0]).toMatchObject({
      press: "Speedmaster",
      pressBy: "plate-size",
      paperMm: [900, 640],
      paperBy: "trim-box",
    });
    expect(a).toMatchObject({ bureau: "Korol", bureauBy: "hot-folder" });
  });

  it("falls back to plate size and content box for a re-saved sheet without mark text", async () => {
    const a = await analyzeFile(corpus.stripped, { settings });
    expect(a).toMatchObject({ isSigna: true, plates: 10, bureau: "Leonov", bureauBy: "file-name" });
    expect(a.sheets[0]).toMatchObject({
      press: "Speedmaster",
      pressBy: "plate-size",
      paperMm: [890, 630],
      paperBy: "content",
    });
  });

  it("never takes the press from artwork text", async () => {
    // Artwork says "Planetary Science" and "Speedmaster"; no marks; the plate fits no press.
    const p = join(dir, "artwork.pdf");
    writeFileSync(
      p,
      await buildSheet({
        plateMm: [800, 600],
        paperMm: [700, 500],
        marks: [],
        artworkText: "Planeta Speedmaster",
      }),
    );
    const a = await analyzeFile(p, { settings });
    expect(a.sheets[0].press).toBeNull();
    expect(noteTexts(a.warnings).join("\n")).toMatch(/no press found/);
  });

  it("warns about a file Signa did not make and counts no plates", async () => {
    const a = await analyzeFile(corpus.plain, { settings });
    expect(a).toMatchObject({
      isSigna: false,
      plates: 0,
      creator: "Adobe InDesign 18.0",
      bureau: "Leonov",
      error: null,
    });
    expect(noteTexts(a.warnings).join("\n")).toMatch(/Not a Prinect Signa Station file/);
    expect(a.sheets[0]).toMatchObject({ press: null, paperBy: "content" });
  });

  it("warns about a re-saved file that still carries Signa data", async () => {
    const p = join(dir, "0001_resaved_Leonov.pdf");
    writeFileSync(p, await buildSheet({ creator: "Adobe Acrobat Pro" }));
    const a = await analyzeFile(p, { settings });
    expect(a.isSigna).toBe(true);
    expect(noteTexts(a.warnings).join("\n")).toMatch(/re-saved/);
  });

  it("reads object streams and owner-password files like the original", async () => {
    for (const f of [corpus.objectStreams, corpus.ownerPassword]) {
      const a = await analyzeFile(f, { settings });
      expect(a.error).toBeNull();
      expect(a.sheets[0]).toMatchObject({ press: "Speedmaster", pressBy: "mark", paperBy: "mark" });
    }
  });

  it("returns rejections as errors with advice, never throwing", async () => {
    const cases: [string, string][] = [
      [corpus.empty, "empty"],
      [corpus.notPdf, "not-pdf"],
      [corpus.userPassword, "encrypted"],
      [corpus.truncated, "damaged"],
      [join(dir, "does-not-exist.pdf"), "damaged"],
    ];
    for (const [path, code] of cases) {
      const a = await analyzeFile(path, { settings });
      expect(a.error?.code, path).toBe(code);
      expect(a.error?.message.length).toBeGreaterThan(30);
      expect(a.sheets).toEqual([]);
    }
    const sub = join(dir, "a-directory.pdf");
    mkdirSync(sub, { recursive: true });
    expect((await analyzeFile(sub, { settings })).error?.code).toBe("damaged");
    const big = await analyzeFile(corpus.default, { settings: testSettings({ analysis: { maxPages: 1 } }) });
    expect(big.error?.code).toBe("too-large");
    expect(big).toMatchObject({ order: "0537", bureau: "Leonov", bureauBy: "file-name" });
  });

  it("uses the display name, not the stored path, for order, bureau and the .pdf check", async () => {
    const a = await analyzeFile(corpus.planeta, { settings, fileName: "1234_Poster_korol.pdf" });
    expect(a).toMatchObject({
      file: "1234_Poster_korol.pdf",
      order: "1234",
      orderName: "Poster",
      bureau: "Korol",
      bureauBy: "file-name",
    });
    expect(a.sheets[0]).toMatchObject({ press: "Planeta", pressBy: "plate-size" });
  });

  it.skipIf(!hasPoppler)("agrees with pdfinfo on page count", async () => {
    for (const name of ["default", "tes", "trimBox", "objectStreams", "plain", "planeta"] as const) {
      const a = await analyzeFile(corpus[name], { settings });
      expect(a.pages, name).toBe(pdfinfo(corpus[name]).pages);
    }
  });
});
