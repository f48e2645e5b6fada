// Spot detection decides between tiffsep and the faster CMYK device: it must find spots wherever a
// page can paint them (its own colour spaces, forms, images, shadings) and nothing on process pages.
// The image pixel count feeds the render scheduler.
import * as mupdf from "mupdf";
import { PDFDocument, PDFName } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { rawPdf } from "../../../../test/fixtures/hostile.ts";
import { scanPage } from "./page-scan.ts";
import { buildOverprintPdf } from "./test-fixtures.ts";

const sep = (name: string) => [
  "Separation",
  name,
  "DeviceCMYK",
  { FunctionType: 2, Domain: [0, 1], C0: [0, 0, 0, 0], C1: [0, 1, 0, 0], N: 1 },
];

async function nestedSpots(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const ctx = doc.context;
  // Page 1: a spot only inside a form inside a form. Page 2: a spot image. Page 3: a DeviceN shading.
  const inner = ctx.register(
    ctx.stream("/CS0 cs 1 scn 0 0 10 10 re f", {
      Type: "XObject",
      Subtype: "Form",
      BBox: [0, 0, 10, 10],
      Resources: { ColorSpace: { CS0: sep("Silver") } } as never,
    }),
  );
  const outer = ctx.register(
    ctx.stream("/Fm1 Do", {
      Type: "XObject",
      Subtype: "Form",
      BBox: [0, 0, 10, 10],
      Resources: { XObject: { Fm1: inner } },
    }),
  );
  const p1 = doc.addPage([100, 100]);
  p1.node.set(PDFName.of("Resources"), ctx.obj({ XObject: { Fm0: outer } }));
  const img = ctx.register(
    ctx.stream(new Uint8Array([255, 0, 128, 64]), {
      Type: "XObject",
      Subtype: "Image",
      Width: 2,
      Height: 2,
      BitsPerComponent: 8,
      ColorSpace: sep("Gold 871 C") as never,
    }),
  );
  const p2 = doc.addPage([100, 100]);
  p2.node.set(PDFName.of("Resources"), ctx.obj({ XObject: { Im0: img } }));
  const p3 = doc.addPage([100, 100]);
  p3.node.set(
    PDFName.of("Resources"),
    ctx.obj({
      Shading: {
        Sh0: {
          ShadingType: 2,
          Coords: [0, 0, 100, 0],
          ColorSpace: [
            "DeviceN",
            ["Cyan", "Varnish"],
            "DeviceCMYK",
            { FunctionType: 2, Domain: [0, 1], C0: [0, 0, 0, 0], C1: [1, 0, 0, 0], N: 1 },
          ],
          Function: { FunctionType: 2, Domain: [0, 1], C0: [0, 0], C1: [1, 1], N: 1 },
        },
      } as never,
    }),
  );
  return doc.save();
}

function scan(bytes: Uint8Array) {
  const doc = mupdf.PDFDocument.openDocument(bytes) as mupdf.PDFDocument;
  try {
    return Array.from({ length: doc.countPages() }, (_, i) => scanPage(doc.findPage(i).resolve()));
  } finally {
    doc.destroy();
  }
}

describe("scanPage", () => {
  it("finds Separation and DeviceN spots in page colour spaces; none on process pages", async () => {
    const r = scan(await buildOverprintPdf());
    expect(r.map((s) => s.names)).toEqual([[], ["PANTONE 185 C", "Orange Spot"], [], []]);
    expect(r.every((s) => !s.incomplete)).toBe(true);
  });

  it("finds spots in nested forms, images and shadings, and skips process names in DeviceN", async () => {
    const r = scan(await nestedSpots());
    expect(r.map((s) => s.names)).toEqual([["Silver"], ["Gold 871 C"], ["Varnish"]]);
    // The scheduler's cost figure: the 2 × 2 image on page 2, nothing drawn from images elsewhere.
    expect(r.map((s) => s.imagePx)).toEqual([0, 4, 0]);
  });
});

describe("scanPage on what real files hold", () => {
  it("walks a tiling pattern, an image mask without a colour space and an annotation without appearance", () => {
    // Each of these is a key MuPDF.js answers with its shared null object, which cannot be resolved.
    const pdf = rawPdf([
      "<</Type/Catalog /Pages 2 0 R>>",
      "<</Type/Pages /Kids[3 0 R] /Count 1>>",
      "<</Type/Page /Parent 2 0 R /MediaBox[0 0 595 842] /Resources<</Pattern<</P 5 0 R>> /XObject<</M 6 0 R>>>> /Contents 4 0 R /Annots[7 0 R]>>",
      { dict: "", data: Buffer.from("/Pattern cs /P scn 0 0 595 842 re f /M Do") },
      {
        dict: "/Type/Pattern /PatternType 1 /PaintType 1 /TilingType 1 /BBox[0 0 20 20] /XStep 20 /YStep 20 /Resources<</ColorSpace<</S [/Separation/Gold/DeviceCMYK 8 0 R]>>>>",
        data: Buffer.from("/S cs 1 scn 0 0 10 10 re f"),
      },
      {
        dict: "/Type/XObject /Subtype/Image /Width 8 /Height 8 /ImageMask true /BitsPerComponent 1",
        data: Buffer.alloc(8),
      },
      "<</Type/Annot /Subtype/Link /Rect[0 0 10 10]>>",
      "<</FunctionType 2 /Domain[0 1] /C0[0 0 0 0] /C1[0 0 1 0] /N 1>>",
    ]);
    const doc = mupdf.Document.openDocument(pdf, "application/pdf").asPDF() as mupdf.PDFDocument;
    try {
      expect(scanPage(doc.findPage(0))).toEqual({ names: ["Gold"], incomplete: false, imagePx: 64 });
    } finally {
      doc.destroy();
    }
  });
});
