// Ink-key presets end to end with Ghostscript: sheets with known artwork in known zones, rendered by
// the render step's engine; the zone figures it books, and the CIP3 PPF files it writes read back by
// the tests' own reader (test/ppf/ppf-reader.ts, no code shared with the writer).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Analysis, Sheet } from "../../src/analysis/types.ts";
import { type InkZoneSettings, inkZonesSchema } from "../../src/config/settings-schema.ts";
import { type RenderResult, renderSheets } from "../../src/pipeline/steps/render/index.ts";
import {
  buildOverprintPdf,
  type PageSpec,
  type Rect,
} from "../../src/pipeline/steps/render/test-fixtures.ts";
import { sheetSideOf } from "../../src/ppf/sheet-side.ts";
import { signaAnalysis, signaSheet } from "../fixtures/analysis.ts";
import { testSettings } from "../fixtures/signa.ts";
import { pressZoneCoverage, readPpf } from "./ppf-reader.ts";

const MM = 72 / 25.4;
const mm = (v: number) => Math.round(v * MM * 1000) / 1000;
// A 400 × 300 mm plate with 300 × 200 mm paper in its middle; 10 zones of 30 mm cover the paper
// exactly, zone k over paper x [30(k-1), 30k] mm.
const PLATE: Rect = [0, 0, mm(400), mm(300)];
const PAPER_MM: [number, number, number, number] = [50, 50, 350, 250];
const paperPt = (r = PAPER_MM): Rect => [mm(r[0]), mm(r[1]), mm(r[2]), mm(r[3])];
const zones: InkZoneSettings = inkZonesSchema.parse({ count: 10, widthMm: 30 });

// pdf-lib writes a non-ASCII colorant name as bytes Ghostscript does not read back as UTF-8, so the
// drawn spot is ASCII; the Cyrillic name is a listed plate left empty (escaped in the PPF all the same).
const SILVER = "PANTONE 877 C";
const LACK = "Лак ВД";
const fill = (k: string, r: Rect) => `${k} ${r[0]} ${r[1]} ${r[2] - r[0]} ${r[3] - r[1]} re f`;
// Full-tone cyan over paper x 61..149 mm (inside zones 3-5, 1 mm clear of their edges, so a pixel
// the edge touches stays in its zone); the silver spot over 181..239 mm (zones 7-8), half the height.
const landscapePage = (): PageSpec => ({
  ops: [
    fill("1 0 0 0 k", [mm(50 + 61), mm(50), mm(50 + 149), mm(250)]),
    `/CSs cs 1 scn ${mm(50 + 181)} ${mm(50)} ${mm(58)} ${mm(100)} re f`,
    // A mark outside the paper: no zone may see it.
    fill("0 0 0 1 k", [mm(5), mm(5), mm(40), mm(20)]),
  ].join("\n"),
  colorSpaces: {
    CSs: [
      "Separation",
      SILVER,
      "DeviceCMYK",
      { FunctionType: 2, Domain: [0, 1], C0: [0, 0, 0, 0], C1: [0.2, 0.1, 0, 0.3], N: 1 },
    ],
  },
  mediaBox: PLATE,
});
// The same sheet saved portrait (300 × 400 mm MediaBox, paper 200 × 300): across the gripper edge is
// now the page's y; the frame turns it a quarter, so the band must land in zones 3-5 again.
const portraitPage = (): PageSpec => ({
  ops: fill("1 0 0 0 k", [mm(50), mm(50 + 61), mm(250), mm(50 + 149)]),
  mediaBox: [0, 0, mm(300), mm(400)],
});

const colorants = ["Cyan", "Magenta", "Yellow", "Black", SILVER, LACK];

function sheet(page: number, over: Partial<Sheet> = {}): Sheet {
  return signaSheet(page, colorants, {
    plateMm: [400, 300],
    paperMm: [300, 200],
    paperBy: "trim-box",
    paperRectPt: paperPt(),
    paperRectMm: PAPER_MM,
    ...over,
  });
}

let dir: string;
let pdf: string;
const settings = { ...testSettings().render, proofPx: 400, inkDpi: 72, concurrency: 1 };

async function render(analysis: Analysis, z: InkZoneSettings = zones, name = "out"): Promise<RenderResult> {
  return renderSheets({
    pdfPath: pdf,
    analysis,
    settings,
    outDir: path.join(dir, name),
    inkZones: (s) => (s?.press === "Speedmaster" ? z : null),
    jobName: "0537 Технояуг",
  });
}

/** Zone spans as the press lays them over the PPF extent: centred on the plate's centre line. */
function pressZones(z: InkZoneSettings, paperLeftOnPlate: number, plateWidth: number) {
  const left = plateWidth / 2 - paperLeftOnPlate - (z.count * z.widthMm) / 2;
  const spans = Array.from({ length: z.count }, (_, k) => ({
    fromMm: left + k * z.widthMm,
    toMm: left + (k + 1) * z.widthMm,
  }));
  return z.startEdge === "right" ? spans.reverse() : spans;
}

/** Every zone the press would compute from the PPF image within 1 point of the booked figure. */
function expectWithinOnePoint(fromImage: (number | null)[], booked: (number | null)[]) {
  expect(fromImage.length).toBe(booked.length);
  for (let i = 0; i < booked.length; i++) {
    expect(fromImage[i] === null).toBe(booked[i] === null);
    expect(Math.abs((fromImage[i] ?? 0) - (booked[i] ?? 0))).toBeLessThanOrEqual(1);
  }
}

const inkedZones = (v: (number | null)[]) => v.flatMap((x, i) => (x && x > 0 ? [i + 1] : []));

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "pdfupload-ppf-"));
  pdf = path.join(dir, "zones.pdf");
  writeFileSync(pdf, await buildOverprintPdf({ pages: [landscapePage(), portraitPage()] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ink zones and CIP3 PPF", () => {
  let r: RenderResult;
  beforeAll(async () => {
    const portrait = sheet(2, {
      paperRectPt: [mm(50), mm(50), mm(250), mm(350)],
    });
    r = await render(signaAnalysis({ file: pdf, sheets: [sheet(1), portrait] }));
  }, 60_000);

  it("a full-tone band in zones 3-5 gives exactly those zones, landscape and portrait alike", () => {
    for (const page of r.pages) {
      const z = page.inkZones?.separations as Record<string, (number | null)[]>;
      expect(page.inkZones?.count).toBe(10);
      expect(inkedZones(z.Cyan)).toEqual([3, 4, 5]);
      // 88 mm of band in 90 mm of zones: zone 3 and 5 are 29/30 covered, zone 4 fully.
      expect(z.Cyan[3]).toBeGreaterThan(99);
      expect(z.Cyan[2]).toBeGreaterThan(95);
      expect(z.Cyan[4]).toBeGreaterThan(95);
      for (const name of ["Magenta", "Yellow", "Black", LACK]) expect(inkedZones(z[name])).toEqual([]);
    }
    const z1 = r.pages[0].inkZones?.separations as Record<string, (number | null)[]>;
    expect(inkedZones(z1[SILVER])).toEqual([7, 8]);
    // Half the height, 29 of 30 mm of zone 7 and 29 of 30 of zone 8.
    expect(z1[SILVER][6]).toBeCloseTo(50 * (29 / 30), 0);
    // Every zone lies on the paper: none is null.
    expect(z1.Cyan.every((v) => v !== null)).toBe(true);
  });

  it("every PPF written parses, names the plates in Signa's order, and its zones match within 1 point", () => {
    for (const page of r.pages) {
      expect(page.ppf).toBeTruthy();
      const ppf = readPpf(readFileSync(page.ppf as string));
      expect(ppf.header).toEqual(["%!PS-Adobe-3.0", "%%CIP3-File Version 3.0"]);
      expect(ppf.jobName).toBe("0537 Технояуг");
      expect(ppf.sheetName).toBe(String(page.page));
      expect(ppf.side).toBe("Front");
      expect(ppf.separationNames).toEqual(colorants);
      expect(ppf.images.map((i) => i.name)).toEqual(colorants);
      // The extent is the paper in the plate's frame: 300 × 200 mm, gripper edge along the 300.
      expect(ppf.extentPt[0]).toBeCloseTo(300 * MM, 0);
      expect(ppf.extentPt[1]).toBeCloseTo(200 * MM, 0);
      const spans = pressZones(zones, 50, 400);
      for (const img of ppf.images) {
        expect(img.bitsPerComp).toBe(8);
        expect(img.components).toBe(1);
        expect(img.resolution[0]).toBeCloseTo(50.8, 0);
        // 2 pixels per mm over the extent.
        expect(img.width).toBe(600);
        expect(img.height).toBe(400);
        const fromImage = pressZoneCoverage(img, ppf.extentPt, spans);
        const booked = page.inkZones?.separations[img.name] as (number | null)[];
        expectWithinOnePoint(fromImage, booked);
      }
    }
  });

  it("zones from the right edge number the same band 6-8", async () => {
    const right = await render(
      signaAnalysis({ file: pdf, sheets: [sheet(1)] }),
      { ...zones, startEdge: "right" },
      "right",
    );
    const z = right.pages[0].inkZones?.separations as Record<string, (number | null)[]>;
    expect(inkedZones(z.Cyan)).toEqual([6, 7, 8]);
    expect(inkedZones(z[SILVER])).toEqual([3, 4]);
    const ppf = readPpf(readFileSync(right.pages[0].ppf as string));
    const fromImage = pressZoneCoverage(
      ppf.images[0],
      ppf.extentPt,
      pressZones({ ...zones, startEdge: "right" }, 50, 400),
    );
    expectWithinOnePoint(fromImage, z.Cyan ?? []);
  }, 60_000);

  it("paper placed off the plate's centre meets the zones where it lies; zones off the paper are null", async () => {
    // The same PDF page, told that its paper sits 30 mm left of centre (x 20..320 on the plate).
    const off = await render(
      signaAnalysis({ file: pdf, sheets: [sheet(1, { paperRectMm: [20, 50, 320, 250] })] }),
      zones,
      "off",
    );
    const z = off.pages[0].inkZones?.separations as Record<string, (number | null)[]>;
    expect(inkedZones(z.Cyan)).toEqual([2, 3, 4]);
    expect(z.Cyan[0]).toBe(0); // on the paper (30..60 mm), no ink
    expect(z.Cyan[9]).toBeNull(); // 300..330 mm: off the paper
  }, 60_000);

  it("a process-only sheet (the 4-channel CMYK pass, no tiffsep) gives the same zones and PPF", async () => {
    const cmyk = ["Cyan", "Magenta", "Yellow", "Black"];
    const only = await render(
      signaAnalysis({
        file: pdf,
        sheets: [
          sheet(1, { colorants: cmyk }),
          sheet(2, { colorants: cmyk, paperRectPt: [mm(50), mm(50), mm(250), mm(350)] }),
        ],
      }),
      zones,
      "cmyk",
    );
    const page = only.pages[1];
    expect(inkedZones(page.inkZones?.separations.Cyan ?? [])).toEqual([3, 4, 5]);
    const ppf = readPpf(readFileSync(page.ppf as string));
    expect(ppf.separationNames).toEqual(cmyk);
    const fromImage = pressZoneCoverage(ppf.images[0], ppf.extentPt, pressZones(zones, 50, 400));
    expectWithinOnePoint(fromImage, page.inkZones?.separations.Cyan ?? []);
  }, 60_000);

  it("a sheet whose marks say it is the back is written as the back", async () => {
    const back = await renderSheets({
      pdfPath: pdf,
      analysis: signaAnalysis({ file: pdf, sheets: [sheet(1, { marks: { SheetText: "Лист 1 — Оборот" } })] }),
      settings,
      outDir: path.join(dir, "back"),
      inkZones: () => zones,
      sideOf: sheetSideOf([{ name: "Speedmaster", inkZones: zones }]),
    });
    expect(back.pages[0].inkZones?.side).toBe("back");
    expect(readPpf(readFileSync(back.pages[0].ppf as string)).side).toBe("Back");
    // The zones are the same whichever side: the press meets the sheet as the plate shows it.
    expect(inkedZones(back.pages[0].inkZones?.separations.Cyan ?? [])).toEqual([3, 4, 5]);
  }, 60_000);

  it("without Ghostscript (MuPDF fallback) a sheet says it has no ink zones and why, its inks stay", async () => {
    const before = process.env.PDFUPLOAD_NO_GS;
    process.env.PDFUPLOAD_NO_GS = "1";
    try {
      const r2 = await render(signaAnalysis({ file: pdf, sheets: [sheet(1)] }), zones, "nogs");
      expect(r2.engine).toBe("mupdf");
      expect(r2.pages[0].inkZones).toBeUndefined();
      expect(r2.pages[0].ppf).toBeUndefined();
      expect(r2.pages[0].warning?.text).toMatch(/ink zones and the CIP3 PPF need Ghostscript/);
      expect(r2.warnings.map((w) => w.text).join(" ")).toMatch(/page 1: .*ink zones/);
      expect(r2.pages[0].inks.Cyan).toBeGreaterThan(0);
    } finally {
      if (before === undefined) delete process.env.PDFUPLOAD_NO_GS;
      else process.env.PDFUPLOAD_NO_GS = before;
    }
  }, 60_000);

  it("a press without ink zones gets neither zones nor a PPF", async () => {
    const none = await render(
      signaAnalysis({ file: pdf, sheets: [sheet(1, { press: "Planeta" })] }),
      zones,
      "none",
    );
    expect(none.pages[0].inkZones).toBeUndefined();
    expect(none.pages[0].ppf).toBeUndefined();
    expect(none.pages[0].inks.Cyan).toBeGreaterThan(0);
  }, 60_000);
});
