// Step `identify`: press, paper, bureau, order and order name from what inspect and read-signa found.
// Pure: no I/O, no MuPDF; the same input always gives the same sheets and warnings.
import type { BureauBy, Sheet } from "../../../analysis/types.ts";
import type { Bureau, MarkSettings, Press } from "../../../config/settings-schema.ts";
import { landscapeMm, type RectPt } from "../inspect/geometry.ts";
import { sheetFrame } from "../inspect/sheet-frame.ts";
import { marksRecord } from "../read-signa/marks.ts";
import { fileNameFacts } from "./file-name.ts";
import { findConfiguredName, type MarkText } from "./find-name.ts";
import { findPaper } from "./paper.ts";
import { compilePatterns } from "./patterns.ts";
import { findPress } from "./press.ts";

export interface IdentifyPage {
  /** 1-based. */
  page: number;
  mediaBox: RectPt;
  /** The page's own or inherited CropBox; the plate is what it shows of the MediaBox. */
  cropBox?: RectPt | null;
  /** /Rotate in degrees. */
  rotate?: number;
  trimBox: RectPt | null;
  colorants: string[] | null;
  marks: MarkText[];
  /** Painted area without marks; undefined when not measured (identify then lists the page in `needContentBox`). */
  contentBoxPt?: RectPt | null;
}

export interface IdentifyInput {
  /** Display name of the file (order, order name and the bureau token come from it). */
  fileName: string;
  pages: IdentifyPage[];
  presses: Press[];
  bureaus: Bureau[];
  marks?: Partial<MarkSettings>;
  /** The hot folder's bureau, used when neither marks nor file name name one. */
  defaultBureau?: string;
}

export interface IdentifyResult {
  sheets: Sheet[];
  bureau: string | null;
  bureauBy: BureauBy;
  order: string | null;
  orderName: string | null;
  /** Sum of the colorant counts over all pages. */
  plates: number;
  warnings: string[];
  /** Pages that still lack a paper and whose content box was not measured: measure them and call again. */
  needContentBox: number[];
}

/** Collects per-page warnings so the same problem on many pages reads as one line. */
class PageWarnings {
  private byMessage = new Map<string, number[]>();
  add(page: number, message: string): void {
    const pages = this.byMessage.get(message) ?? [];
    if (!pages.includes(page)) pages.push(page);
    this.byMessage.set(message, pages);
  }
  lines(totalPages: number): string[] {
    return [...this.byMessage].map(([msg, pages]) =>
      pages.length === totalPages && totalPages > 1 ? `All pages: ${msg}` : `${pageList(pages)}: ${msg}`,
    );
  }
}

function pageList(pages: number[]): string {
  return pages.length === 1 ? `Page ${pages[0]}` : `Pages ${pages.join(", ")}`;
}

export function identify(input: IdentifyInput): IdentifyResult {
  const patterns = compilePatterns(input.marks);
  const warnings: string[] = patterns.invalid.map(
    (p) => `Ignored mark pattern that is not a valid regex: ${p}`,
  );
  const pageWarnings = new PageWarnings();
  const noPress: number[] = [];
  const noPaper: number[] = [];
  /** Pages whose marks name a press that is not configured, by the name read. */
  const unknownPresses = new Map<string, number[]>();
  const needContentBox: number[] = [];
  const total = input.pages.length;

  const sheets: Sheet[] = input.pages.map((p) => {
    const frame = sheetFrame(p.mediaBox, p.cropBox, p.rotate);
    const pressHit = findPress(p.marks, patterns.press, frame.plateBoxPt, input.presses);
    for (const w of pressHit.warnings) pageWarnings.add(p.page, w);
    for (const u of pressHit.unknownInMarks)
      unknownPresses.set(u, [...(unknownPresses.get(u) ?? []), p.page]);
    if (!pressHit.press && !pressHit.unknownInMarks.length) noPress.push(p.page);
    const paper = findPaper({
      marks: p.marks,
      patterns: patterns.paper,
      frame,
      trimBox: p.trimBox,
      contentBoxPt: p.contentBoxPt,
      press: pressHit.press,
    });
    for (const w of paper.warnings) pageWarnings.add(p.page, w);
    if (!paper.by) {
      if (p.contentBoxPt === undefined) needContentBox.push(p.page);
      noPaper.push(p.page);
    }
    return {
      page: p.page,
      press: pressHit.press?.name ?? null,
      pressBy: pressHit.by,
      plateMm: landscapeMm(frame.plateBoxPt),
      paperMm: paper.paperMm,
      paperBy: paper.by,
      paperRectPt: paper.rectPt,
      paperRectMm: paper.rectMm,
      colorants: p.colorants ?? [],
      marks: marksRecord(p.marks),
    };
  });

  warnings.push(...pageWarnings.lines(total));
  for (const [name, pages] of unknownPresses) {
    warnings.push(
      `${scope(pages, total)}: the marks name the press "${name}", which is not configured; no press is guessed from the plate size. Add the press in the settings or fix the Machine mark in Signa.`,
    );
  }
  if (noPress.length) {
    const plates = [...new Set(noPress.map((n) => sheets[n - 1].plateMm.join("×")))].join(", ");
    warnings.push(
      `${scope(noPress, total)}: no press found: no mark names a configured press and the plate size (${plates} mm) matches none. Add the press in the settings or fix the Machine mark in Signa.`,
    );
  }
  if (noPaper.length) {
    warnings.push(
      `${scope(noPaper, total)}: no paper size found (no paper mark, no TrimBox inside the MediaBox, nothing drawn); the preview cannot be cropped to the paper.`,
    );
  }

  const bureauNames = input.bureaus.map((b) => b.name);
  const allMarks = input.pages.flatMap((p) => p.marks);
  const bureauHit = findConfiguredName(allMarks, patterns.bureau, "bureau", bureauNames);
  let bureau: string | null = bureauHit.name;
  let bureauBy: BureauBy = bureau ? "mark" : null;
  if (bureauHit.others.length) {
    warnings.push(
      `The marks name several bureaus (${[bureau, ...bureauHit.others].join(", ")}); using ${bureau}.`,
    );
  }
  const fromFileName = fileNameFacts(input.fileName, input.bureaus, input.defaultBureau);
  if (!bureau) {
    bureau = fromFileName.bureau;
    bureauBy = fromFileName.bureauBy;
    // The mark and the file name disagree: the file goes where its name says, but someone should look.
    if (bureau && bureauBy === "file-name" && bureauHit.unknown.length)
      warnings.push(
        `The marks name ${bureauHit.unknown.join(", ")}, which is not a configured bureau; the file goes to ${bureau} from the file name.`,
      );
  }
  if (!bureau) {
    const unknown = bureauHit.unknown.length
      ? ` The marks name ${bureauHit.unknown.join(", ")}, which is not a configured bureau.`
      : "";
    warnings.push(
      `No CTP bureau found: neither the marks nor a "_"-separated part of the file name name a configured bureau.${unknown} Add the bureau to the file name (e.g. 0537_Job_Leonov.pdf) or to the Outputter mark.`,
    );
  }

  const { order, orderName } = fromFileName;
  const plates = input.pages.reduce((n, p) => n + (p.colorants?.length ?? 0), 0);
  return { sheets, bureau, bureauBy, order, orderName, plates, warnings, needContentBox };
}

function scope(pages: number[], total: number): string {
  return pages.length === total ? (total > 1 ? "All pages" : "Page 1") : pageList(pages);
}
