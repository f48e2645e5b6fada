// Overprint / spot-colour test sheets, built with pdf-lib at test time.
// Each page is drawn with raw operators so the fixture says exactly which inks
// and which overprint settings the RIP sees.
import { degrees, PDFDocument, PDFName, type PDFPage } from "pdf-lib";
import { signaAnalysis, signaSheet } from "../../../../test/fixtures/analysis.ts";
import type { Analysis, Sheet } from "../../../analysis/types.ts";

export type Rect = [number, number, number, number];

const MM = 72 / 25.4;

/** A small sheet: 400 × 300 pt page with a 300 × 200 pt "paper" at (50, 40). */
export const SHEET_PT: Rect = [0, 0, 400, 300];
export const PAPER_PT: Rect = [50, 40, 350, 240];

export interface PageSpec {
  /** Content stream operators, drawn in page space. */
  ops: string;
  colorSpaces?: Record<string, unknown[]>;
  images?: Record<string, { w: number; h: number; cmyk: Uint8Array }>;
  /** Form XObjects in order; each may draw the ones before it. */
  forms?: { name: string; ops: string }[];
  mediaBox?: Rect;
  trimBox?: Rect;
  /** /Rotate of the page. */
  rotate?: 0 | 90 | 180 | 270;
  /** Raw (already encoded) content bytes with their filter: for broken pages. */
  rawContents?: { bytes: Uint8Array; filter: string };
}

const spot185 = (): unknown[] => [
  "Separation",
  "PANTONE 185 C",
  "DeviceCMYK",
  { FunctionType: 2, Domain: [0, 1], C0: [0, 0, 0, 0], C1: [0, 0.93, 0.79, 0], N: 1 },
];

const orangeDeviceN = (): unknown[] => [
  "DeviceN",
  ["Orange Spot"],
  "DeviceCMYK",
  { FunctionType: 2, Domain: [0, 1], C0: [0, 0, 0, 0], C1: [0, 0.5, 1, 0], N: 1 },
];

// ExtGStates every page may use: overprint on (fill and stroke) with OPM 1, and off.
const GS_OP = "/GSop gs";
const GS_KO = "/GSko gs";

const rect = (r: Rect) => `${r[0]} ${r[1]} ${r[2] - r[0]} ${r[3] - r[1]} re f`;

/** Page 1 — process overprint: cyan, then magenta overprinting part of it (OP/op, OPM 1). */
export const OVERPRINT_CYAN: Rect = [60, 50, 260, 230]; // 200 × 180
export const OVERPRINT_MAGENTA: Rect = [160, 50, 340, 230]; // 180 × 180, overlap 100 × 180
/** Page 2 — spot colours: PANTONE 185 C (Separation) over yellow, "Orange Spot" (DeviceN). */
export const SPOT_YELLOW: Rect = [60, 50, 200, 230];
export const SPOT_185: Rect = [120, 50, 200, 140];
export const SPOT_ORANGE: Rect = [250, 120, 340, 230];
/** Page 3 — white overprint: black rect, then a white rect set to overprint (OPM 1) inside it. */
export const WHITE_BLACK: Rect = [60, 50, 340, 230];
export const WHITE_WHITE: Rect = [120, 100, 280, 180];
/** Page 3 also has a knockout white rect (no overprint) that must stay white. */
export const WHITE_KNOCKOUT: Rect = [300, 60, 330, 90];

function processImage(w: number, h: number): Uint8Array {
  // A smooth CMYK gradient: cyan along x, magenta along y, a little yellow and black.
  const px = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      px[i] = Math.round((255 * x) / (w - 1));
      px[i + 1] = Math.round((255 * y) / (h - 1));
      px[i + 2] = 64;
      px[i + 3] = (x + y) % 7 === 0 ? 200 : 20;
    }
  }
  return px;
}

export const pageSpecs = (): PageSpec[] => [
  {
    ops: [
      `${GS_KO} 1 0 0 0 k ${rect(OVERPRINT_CYAN)}`,
      `${GS_OP} 0 1 0 0 k ${rect(OVERPRINT_MAGENTA)}`,
      // Signa-like mark outside the paper: must not count in the paper's coverage.
      `${GS_KO} 0 0 0 1 k 5 5 30 10 re f`,
    ].join("\n"),
    mediaBox: SHEET_PT,
    trimBox: PAPER_PT,
  },
  {
    ops: [
      `${GS_KO} 0 0 1 0 k ${rect(SPOT_YELLOW)}`,
      `${GS_OP} /CS185 cs 1 scn ${rect(SPOT_185)}`,
      `${GS_KO} /CSorange cs 0.8 scn ${rect(SPOT_ORANGE)}`,
    ].join("\n"),
    colorSpaces: { CS185: spot185(), CSorange: orangeDeviceN() },
    mediaBox: SHEET_PT,
  },
  {
    ops: [
      `${GS_KO} 0 0 0 1 k ${rect(WHITE_BLACK)}`,
      `${GS_OP} 0 0 0 0 k ${rect(WHITE_WHITE)}`,
      `${GS_KO} 0 0 0 0 k ${rect(WHITE_KNOCKOUT)}`,
    ].join("\n"),
    mediaBox: SHEET_PT,
  },
  {
    // Process-only page with an image: for the ink_cov comparison.
    ops: [
      `${GS_KO} 0.2 0.1 0 0 k ${rect([50, 40, 350, 240])}`,
      `q 200 0 0 150 80 60 cm /Im1 Do Q`,
      `0 0 0 0.6 k 260 200 60 30 re f`,
    ].join("\n"),
    images: { Im1: { w: 120, h: 90, cmyk: processImage(120, 90) } },
    mediaBox: SHEET_PT,
  },
];

/**
 * A DeviceN [Magenta, Silver] fill (Magenta 50 %, Silver 100 %) overprinting a cyan rect: a spot and a
 * process ink in one colour space. Cyan must survive under it, Magenta and Silver each get their own plate.
 */
export const DEVICEN_CYAN: Rect = [60, 50, 260, 230]; // 200 × 180
export const DEVICEN_FILL: Rect = [160, 50, 340, 140]; // 180 × 90, overlap 100 × 90
export const deviceNPage = (): PageSpec => ({
  ops: [
    `${GS_KO} 1 0 0 0 k ${rect(DEVICEN_CYAN)}`,
    `${GS_OP} /CSmix cs 0.5 1 scn ${rect(DEVICEN_FILL)}`,
  ].join("\n"),
  colorSpaces: {
    CSmix: [
      "DeviceN",
      ["Magenta", "Silver"],
      "DeviceCMYK",
      // (m, s) -> (0, m, 0, 0.3 s)
      { type4: "{ 0.3 mul exch 0 exch 0 4 -1 roll }", domain: [0, 1, 0, 1], range: [0, 1, 0, 1, 0, 1, 0, 1] },
    ],
  },
  mediaBox: SHEET_PT,
});

/** Paper rectangles of the pages built by `buildOverprintPdf`, in page order. */
export const fixturePaperRects = (): Rect[] => pageSpecs().map(() => PAPER_PT);

function addPage(doc: PDFDocument, spec: PageSpec): PDFPage {
  const mb = spec.mediaBox ?? SHEET_PT;
  const page = doc.addPage([mb[2] - mb[0], mb[3] - mb[1]]);
  const ctx = doc.context;
  page.node.set(PDFName.of("MediaBox"), ctx.obj(mb));
  if (spec.trimBox) page.node.set(PDFName.of("TrimBox"), ctx.obj(spec.trimBox));
  if (spec.rotate) page.setRotation(degrees(spec.rotate));
  const cs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec.colorSpaces ?? {})) {
    // A PostScript calculator tint transform ({ type4, domain, range }) needs a stream of its own.
    const parts = v.map((part) => {
      const f = part as { type4?: string; domain?: number[]; range?: number[] };
      if (!f || typeof f !== "object" || !f.type4) return part;
      return ctx.register(ctx.stream(f.type4, { FunctionType: 4, Domain: f.domain, Range: f.range }));
    });
    cs[k] = ctx.register(ctx.obj(parts as never));
  }
  const xo: Record<string, unknown> = {};
  for (const [k, im] of Object.entries(spec.images ?? {})) {
    const s = ctx.flateStream(im.cmyk, {
      Type: "XObject",
      Subtype: "Image",
      Width: im.w,
      Height: im.h,
      ColorSpace: "DeviceCMYK",
      BitsPerComponent: 8,
    });
    xo[k] = ctx.register(s);
  }
  for (const f of spec.forms ?? []) {
    const s = ctx.flateStream(f.ops, {
      Type: "XObject",
      Subtype: "Form",
      BBox: [-1000, -1000, 1000, 1000],
      Resources: { XObject: { ...xo } as never },
    });
    xo[f.name] = ctx.register(s);
  }
  const resources = ctx.obj({
    ExtGState: {
      GSop: { Type: "ExtGState", OP: true, op: true, OPM: 1 },
      GSko: { Type: "ExtGState", OP: false, op: false, OPM: 0 },
    },
    ColorSpace: cs as never,
    XObject: xo as never,
  });
  page.node.set(PDFName.of("Resources"), resources);
  const contents = spec.rawContents
    ? ctx.stream(spec.rawContents.bytes, { Filter: spec.rawContents.filter })
    : ctx.flateStream(spec.ops);
  page.node.set(PDFName.of("Contents"), ctx.register(contents));
  return page;
}

export interface FixtureOptions {
  /** Pages instead of the four standard ones. */
  pages?: PageSpec[];
  /** Extra pages appended after the four standard ones. */
  extraPages?: PageSpec[];
  /** Save with object streams (xref stream): exercises the incremental crop on both xref kinds. */
  objectStreams?: boolean;
}

/** The four-page overprint/spot/white/process fixture. */
export async function buildOverprintPdf(opts: FixtureOptions = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setCreator("PrinectSignaStation test fixture");
  doc.setTitle("overprint fixture");
  for (const spec of [...(opts.pages ?? pageSpecs()), ...(opts.extraPages ?? [])]) addPage(doc, spec);
  doc.setSubject("fixture");
  return doc.save({ useObjectStreams: opts.objectStreams ?? false });
}

/** A page whose content stream claims Flate but holds garbage: Ghostscript reports an error. */
export const brokenPage = (): PageSpec => ({
  ops: "",
  rawContents: {
    bytes: new TextEncoder().encode("this is not zlib data at all ".repeat(20)),
    filter: "FlateDecode",
  },
  mediaBox: SHEET_PT,
});

/**
 * A tiny page that takes Ghostscript minutes: form XObjects nested `levels` deep, each drawing the one
 * below ten times (10^levels overprinted fills).
 */
export function slowPage(levels = 7): PageSpec {
  const forms: { name: string; ops: string }[] = [{ name: "F0", ops: "0 1 0 0 k 0 0 0.2 0.2 re f" }];
  for (let k = 1; k <= levels; k++) {
    const step = 0.25 * 1.6 ** (k - 1);
    const ops = Array.from(
      { length: 10 },
      (_, i) => `q 1 0 0 1 ${(i * step).toFixed(3)} ${((i % 3) * step).toFixed(3)} cm /F${k - 1} Do Q`,
    );
    forms.push({ name: `F${k}`, ops: ops.join("\n") });
  }
  return { ops: `${GS_OP} q 1 0 0 1 60 50 cm /F${levels} Do Q`, forms, mediaBox: SHEET_PT };
}

/** A hand-made Analysis for the fixture: Signa colorant lists, paper rects. */
export function fixtureAnalysis(file: string, pages: number, overrides: Partial<Sheet>[] = []): Analysis {
  const colorants = [
    ["Cyan", "Magenta", "Yellow", "Black"],
    ["Cyan", "Magenta", "Yellow", "Black", "PANTONE 185 C", "Orange Spot", "PANTONE Warm Red C"],
    ["Cyan", "Magenta", "Yellow", "Black"],
    ["Cyan", "Magenta", "Yellow", "Black"],
  ];
  const sheets = Array.from({ length: pages }, (_, i) =>
    signaSheet(i + 1, colorants[i] ?? ["Cyan", "Magenta", "Yellow", "Black"], {
      plateMm: [Math.round(400 / MM), Math.round(300 / MM)],
      paperMm: [Math.round(300 / MM), Math.round(200 / MM)],
      paperBy: "trim-box",
      paperRectPt: [...PAPER_PT],
      ...overrides[i],
    }),
  );
  return signaAnalysis({ file, bureau: null, bureauBy: null, order: null, orderName: null, sheets });
}

/** A page with one large CMYK image (`w × h` px) over the paper: tests preview downsampling. */
export function bigImagePage(w = 1500, h = 1000): PageSpec {
  return {
    ops: `q ${PAPER_PT[2] - PAPER_PT[0]} 0 0 ${PAPER_PT[3] - PAPER_PT[1]} ${PAPER_PT[0]} ${PAPER_PT[1]} cm /Im1 Do Q`,
    images: { Im1: { w, h, cmyk: processImage(w, h) } },
    mediaBox: SHEET_PT,
  };
}
