// The paper on a sheet: from a paper mark, else the TrimBox (Signa 21 writes the paper there), else the
// painted area without marks. The rectangle (PDF points, page space) is what render crops the preview to.
import type { PaperBy } from "../../../analysis/types.ts";
import type { Press } from "../../../config/settings-schema.ts";
import { mmToPt, type RectPt, rectSizeMm, round1, strictlyInside } from "../inspect/geometry.ts";
import type { MarkText } from "./find-name.ts";
import { parseNumber } from "./patterns.ts";

export interface PaperFinding {
  paperMm: [number, number] | null;
  by: PaperBy;
  rectPt: RectPt | null;
  warnings: string[];
}

export interface PaperInput {
  marks: MarkText[];
  patterns: RegExp[];
  mediaBox: RectPt;
  trimBox: RectPt | null;
  /** undefined: not measured yet. */
  contentBoxPt: RectPt | null | undefined;
  press: Press | null;
}

/** A `W x H` read from a mark that fits on the plate (either orientation, 1 mm slack). */
export function paperFromMarks(
  marks: MarkText[],
  patterns: RegExp[],
  plateMm: [number, number],
): [number, number] | null {
  const [pl, ps] = [Math.max(...plateMm), Math.min(...plateMm)];
  for (const re of patterns) {
    for (const m of marks) {
      const g = re.exec(m.text)?.groups;
      if (!g?.w || !g?.h) continue;
      const w = parseNumber(g.w);
      const h = parseNumber(g.h);
      if (!(w > 0 && h > 0)) continue;
      if (Math.max(w, h) > pl + 1 || Math.min(w, h) > ps + 1) continue;
      return [round1(w), round1(h)];
    }
  }
  return null;
}

/**
 * Where a paper of `paperMm` lies on the plate: centred across, `gripper` up from the plate's bottom edge
 * (x0 = mediaX0 + (plateW − paperW)/2, y0 = mediaY0 + gripper); the paper's long side follows the plate's.
 * Without a press the gripper is unknown and the paper is centred vertically.
 */
export function paperRectOnPlate(
  mediaBox: RectPt,
  paperMm: [number, number],
  press: Press | null,
): { rect: RectPt; warnings: string[] } {
  const warnings: string[] = [];
  const mw = mediaBox[2] - mediaBox[0];
  const mh = mediaBox[3] - mediaBox[1];
  const [l, s] = [Math.max(...paperMm), Math.min(...paperMm)].map(mmToPt);
  const [pw, ph] = mw >= mh ? [l, s] : [s, l];
  const x0 = mediaBox[0] + (mw - pw) / 2;
  let y0: number;
  if (press) {
    y0 = mediaBox[1] + mmToPt(press.gripperMm);
    if (y0 + ph > mediaBox[3] + 0.5) {
      warnings.push(
        `The paper does not fit above the ${press.name} gripper margin (${press.gripperMm} mm); placed at the top edge.`,
      );
      y0 = Math.max(mediaBox[1], mediaBox[3] - ph);
    }
  } else {
    y0 = mediaBox[1] + (mh - ph) / 2;
    warnings.push(
      "The press is unknown, so its gripper margin is too: the paper is assumed centred on the plate.",
    );
  }
  return { rect: [x0, y0, x0 + pw, y0 + ph], warnings };
}

/** 1/1000 pt is far below any print tolerance and keeps the journal's JSON readable. */
const roundRect = (r: RectPt): RectPt => r.map((v) => Math.round(v * 1000) / 1000) as RectPt;

export function findPaper(input: PaperInput): PaperFinding {
  const plateMm = rectSizeMm(input.mediaBox);
  const fromMark = paperFromMarks(input.marks, input.patterns, plateMm);
  if (fromMark) {
    const { rect, warnings } = paperRectOnPlate(input.mediaBox, fromMark, input.press);
    return { paperMm: fromMark, by: "mark", rectPt: roundRect(rect), warnings };
  }
  if (input.trimBox && strictlyInside(input.trimBox, input.mediaBox)) {
    const [w, h] = rectSizeMm(input.trimBox);
    return {
      paperMm: [round1(w), round1(h)],
      by: "trim-box",
      rectPt: roundRect(input.trimBox),
      warnings: [],
    };
  }
  if (input.contentBoxPt) {
    const [w, h] = rectSizeMm(input.contentBoxPt);
    return {
      paperMm: [round1(w), round1(h)],
      by: "content",
      rectPt: roundRect(input.contentBoxPt),
      warnings: [],
    };
  }
  return { paperMm: null, by: null, rectPt: null, warnings: [] };
}
