import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gsBbox, hasGhostscript } from "../../../../test/analysis/poppler.ts";
import {
  buildSheet,
  type MarkSpec,
  MM,
  resave,
  type SheetSpec,
  stripMarkText,
  type TextSplit,
  tesOutputterMarks,
} from "../../../../test/fixtures/signa.ts";
import { openPdf } from "../inspect/index.ts";
import { marksRecord, type ReadSignaResult, readSigna } from "./index.ts";

let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pdfupload-signa-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(spec: SheetSpec | Uint8Array, opts: Parameters<typeof readSigna>[1] = {}) {
  const bytes = spec instanceof Uint8Array ? spec : await buildSheet(spec);
  const path = join(dir, `s${n++}.pdf`);
  writeFileSync(path, bytes);
  const pdf = openPdf(path);
  try {
    const r = readSigna(pdf.doc, opts);
    // The scratch page used for mark text must be gone again.
    expect(pdf.doc.countPages()).toBe(r.pages.length);
    return r;
  } finally {
    pdf.close();
  }
}
const texts = (r: ReadSignaResult, page = 0) => marksRecord(r.pages[page].marks);

describe("read-signa: colorants", () => {
  it("lists each page's separations with #20 decoded", async () => {
    const r = await read({
      pages: [
        { colorants: ["Cyan", "Magenta", "Yellow", "Black", "PANTONE Warm Red C"] },
        { colorants: ["Black"] },
      ],
    });
    expect(r.pages[0].colorants).toEqual(["Cyan", "Magenta", "Yellow", "Black", "PANTONE Warm Red C"]);
    expect(r.pages[1].colorants).toEqual(["Black"]);
    expect(r.hasSignaData).toBe(true);
  });

  it("keeps colorants through a re-save with object streams", async () => {
    const r = await read(resave(await buildSheet({ colorants: ["Cyan", "PANTONE 185 C"] })));
    expect(r.pages[0].colorants).toEqual(["Cyan", "PANTONE 185 C"]);
  });

  it("returns null colorants for a page without Signa data", async () => {
    const r = await read({ colorants: null, marks: [] });
    expect(r.pages[0].colorants).toBeNull();
    expect(r.hasSignaData).toBe(false);
  });
});

describe("read-signa: marks", () => {
  it("reads the three-mark dialect keyed by CreationName, Cyrillic included", async () => {
    const r = await read({});
    expect(texts(r)).toEqual({
      Outputter: "Выведено: Leonov",
      Machine: "Машина: Speedmaster",
      Paper: "Бумага: 900.0 x 640.0",
    });
    // The graphic colour-bar mark is a mark, just without text.
    expect(r.pages[0].marks.map((m) => m.creationName)).toContain("ColorBar");
  });

  it("reads the combined tes_Outputter mark", async () => {
    const r = await read({ marks: tesOutputterMarks({ tes: true }) });
    expect(texts(r).tes_Outputter).toBe("Выведено: Vonoel tes / Speedmaster 900.0 x 640.0");
  });

  const splits: TextSplit[] = ["none", "words", "glyphs", "tj"];
  const rotations = [0, 90, 180, 270] as const;
  for (const split of splits) {
    for (const rotateInside of rotations) {
      it(`reads text split "${split}" rotated ${rotateInside}° inside the mark, placed rotated, nested`, async () => {
        const text = "Машина: Speedmaster XL 106";
        const marks: MarkSpec[] = [
          { creationName: "A", text, split, rotateInside },
          { creationName: "B", text, split, rotateInside, rotate: 90, atMm: [1000, 300], nested: true },
          { creationName: "C", text, split, rotateInside, rotate: 270, atMm: [20, 300] },
        ];
        const r = await read({ marks });
        expect(texts(r)).toEqual({ A: text, B: text, C: text });
      });
    }
  }

  it("keeps the text of many marks on one page apart", async () => {
    const marks: MarkSpec[] = Array.from({ length: 23 }, (_, i) => ({
      creationName: `M${i}`,
      text: `Метка ${i} Speedmaster`,
      split: (["none", "words", "glyphs", "tj"] as const)[i % 4],
      rotateInside: ([0, 90, 180, 270] as const)[i % 4],
      atMm: [20 + (i % 5) * 10, 20 + i * 3] as [number, number],
    }));
    const r = await read({ marks });
    expect(texts(r)).toEqual(Object.fromEntries(marks.map((m) => [m.creationName, m.text])));
  });

  it("finds marks by their PieceInfo, not by the resource name", async () => {
    const r = await read({
      marks: [
        { creationName: "Machine", text: "Машина: Speedmaster", xobjectName: "Fm7" },
        { creationName: "Paper", text: "Бумага: 900 x 640", xobjectName: "X0" },
      ],
    });
    expect(texts(r)).toEqual({ Machine: "Машина: Speedmaster", Paper: "Бумага: 900 x 640" });
  });

  it("never reads the artwork's text as a mark", async () => {
    const r = await read({ marks: [], artworkText: "Planetary Science Speedmaster" });
    expect(r.pages[0].marks).toEqual([]);
  });

  it("keeps marks but no text after a re-save that lost the mark text", async () => {
    const r = await read(stripMarkText(await buildSheet({})));
    expect(r.pages[0].marks.length).toBe(4);
    expect(texts(r)).toEqual({});
    expect(r.pages[0].colorants?.length).toBe(5);
  });

  it("keys repeated CreationNames with different text apart", () => {
    const rec = marksRecord([
      { creationName: "Info", text: "one" },
      { creationName: "Info", text: "one" },
      { creationName: "Info", text: "two" },
    ]);
    expect(rec).toEqual({ Info: "one", "Info#2": "two" });
  });
});

describe("read-signa: content box", () => {
  it("measures the painted area without the marks", async () => {
    const r = await read({ artworkMm: [100, 60, 900, 600] }, { contentBoxPages: "all" });
    const box = r.pages[0].contentBoxPt?.map((v) => v / MM);
    expect(box?.[0]).toBeCloseTo(100, 1);
    expect(box?.[1]).toBeCloseTo(60, 1);
    expect(box?.[2]).toBeCloseTo(900, 1);
    expect(box?.[3]).toBeCloseTo(600, 1);
  });

  it("does not measure unless asked", async () => {
    const r = await read({});
    expect(r.pages[0].contentBoxPt).toBeUndefined();
  });

  it("is null for a page with nothing but marks", async () => {
    const r = await read({ artworkMm: null }, { contentBoxPages: [1] });
    expect(r.pages[0].contentBoxPt).toBeNull();
  });

  it.skipIf(!hasGhostscript)("matches Ghostscript's bbox device on a sheet without marks", async () => {
    const bytes = await buildSheet({ marks: [], artworkMm: [70, 45, 960, 675] });
    const path = join(dir, "bbox.pdf");
    writeFileSync(path, bytes);
    const gs = gsBbox(path);
    const r = await read(bytes, { contentBoxPages: [1] });
    const box = r.pages[0].contentBoxPt ?? [];
    gs?.forEach((v, i) => {
      expect(Math.abs(v - box[i])).toBeLessThan(0.5);
    });
  });
});
