// Step `identify`: press, paper, bureau, order and order name from what inspect and read-signa found.
// Pure: no I/O, no MuPDF; the same input always gives the same sheets and warnings.
import type { BureauBy, Sheet } from "../../../analysis/types.ts";
import type { Bureau, MarkSettings, Press } from "../../../config/settings-schema.ts";
import { type Note, note, pageScope, scopeText } from "../../../util/note.ts";
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
  warnings: Note[];
  /** Pages that still lack a paper and whose content box was not measured: measure them and call again. */
  needContentBox: number[];
}

/** Collects per-page warnings so the same problem on many pages reads as one line. */
class PageWarnings {
  private byNote = new Map<string, { note: Note; pages: number[] }>();
  add(page: number, n: Note): void {
    const key = JSON.stringify([n.code, n.values ?? {}]);
    const known = this.byNote.get(key) ?? { note: n, pages: [] };
    if (!known.pages.includes(page)) known.pages.push(page);
    this.byNote.set(key, known);
  }
  lines(totalPages: number): Note[] {
    return [...this.byNote.values()].map(({ note: n, pages }) => scoped(n, pages, totalPages));
  }
}

/** The note said of some pages: "Pages 2, 3: …" in English, the scope as values for the UI. */
function scoped(n: Note, pages: number[], total: number): Note {
  const all = pages.length === total && total > 1;
  const text = `${all ? "All pages" : pages.length === 1 ? `Page ${pages[0]}` : `Pages ${pages.join(", ")}`}: ${n.text}`;
  return note(n.code, text, { ...n.values, ...pageScope(pages, total) });
}

export function identify(input: IdentifyInput): IdentifyResult {
  const patterns = compilePatterns(input.marks);
  const warnings: Note[] = patterns.invalid.map((p) =>
    note("marks.bad-pattern", `Ignored mark pattern that is not a valid regex: ${p}`, { pattern: p }),
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
      note(
        "press.unknown-mark",
        `${scopeText(pages, total)}: the marks name the press "${name}", which is not configured; no press is guessed from the plate size. Add the press in the settings or fix the Machine mark in Signa.`,
        { ...pageScope(pages, total), name },
      ),
    );
  }
  if (noPress.length) {
    const plates = [...new Set(noPress.map((n) => sheets[n - 1].plateMm.join("×")))].join(", ");
    warnings.push(
      note(
        "press.none",
        `${scopeText(noPress, total)}: no press found: no mark names a configured press and the plate size (${plates} mm) matches none. Add the press in the settings or fix the Machine mark in Signa.`,
        { ...pageScope(noPress, total), plates },
      ),
    );
  }
  if (noPaper.length) {
    warnings.push(
      note(
        "paper.none",
        `${scopeText(noPaper, total)}: no paper size found (no paper mark, no TrimBox inside the MediaBox, nothing drawn); the preview cannot be cropped to the paper.`,
        pageScope(noPaper, total),
      ),
    );
  }

  const bureauNames = input.bureaus.map((b) => b.name);
  const allMarks = input.pages.flatMap((p) => p.marks);
  const bureauHit = findConfiguredName(allMarks, patterns.bureau, "bureau", bureauNames);
  let bureau: string | null = bureauHit.name;
  let bureauBy: BureauBy = bureau ? "mark" : null;
  if (bureauHit.others.length) {
    const names = [bureau, ...bureauHit.others].join(", ");
    warnings.push(
      note("bureau.several-marks", `The marks name several bureaus (${names}); using ${bureau}.`, {
        names,
        chosen: bureau ?? "",
      }),
    );
  }
  const fromFileName = fileNameFacts(input.fileName, input.bureaus, input.defaultBureau);
  if (!bureau) {
    bureau = fromFileName.bureau;
    bureauBy = fromFileName.bureauBy;
    // The mark and the file name disagree: the file goes where its name says, but someone should look.
    if (bureau && bureauBy === "file-name" && bureauHit.unknown.length)
      warnings.push(
        note(
          "bureau.unknown-mark",
          `The marks name ${bureauHit.unknown.join(", ")}, which is not a configured bureau; the file goes to ${bureau} from the file name.`,
          { names: bureauHit.unknown.join(", "), chosen: bureau },
        ),
      );
  }
  if (!bureau) {
    const unknown = bureauHit.unknown.length
      ? ` The marks name ${bureauHit.unknown.join(", ")}, which is not a configured bureau.`
      : "";
    warnings.push(
      note(
        bureauHit.unknown.length ? "bureau.none-unknown-mark" : "bureau.none",
        `No CTP bureau found: neither the marks nor a "_"-separated part of the file name name a configured bureau.${unknown} Add the bureau to the file name (e.g. 0537_Job_Leonov.pdf) or to the Outputter mark.`,
        { names: bureauHit.unknown.join(", ") },
      ),
    );
  }

  const { order, orderName } = fromFileName;
  const plates = input.pages.reduce((n, p) => n + (p.colorants?.length ?? 0), 0);
  return { sheets, bureau, bureauBy, order, orderName, plates, warnings, needContentBox };
}
