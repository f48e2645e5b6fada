// The paper on a sheet: from a paper mark, else the TrimBox (Signa 21 writes the paper there), else the
// painted area without marks. Sizes and `rectMm` are in the plate's frame (sheet-frame.ts), the same on a
// rotated or offset page as on a plain one; `rectPt` (page space) is what render crops the preview to.
import type { PaperBy } from "../../../analysis/types.ts";
import type { Press } from "../../../config/settings-schema.ts";
import { type Note, note } from "../../../util/note.ts";
import {
  intersect,
  mmToPt,
  ptToMm,
  type RectPt,
  rectSizeMm,
  round1,
  strictlyInside,
} from "../inspect/geometry.ts";
import { rectFromFrame, rectToFrame, type SheetFrame } from "../inspect/sheet-frame.ts";
import type { MarkText } from "./find-name.ts";
import { parseNumber } from "./patterns.ts";

export interface PaperFinding {
  /** Width along the gripper edge × height, in the plate's frame (see sheet-frame.ts). */
  paperMm: [number, number] | null;
  by: PaperBy;
  /** In page space: what the preview is cropped to. */
  rectPt: RectPt | null;
  /** In the plate's frame, mm from its lower-left corner (the gripper edge is y = 0). */
  rectMm: RectPt | null;
  warnings: Note[];
}

export interface PaperInput {
  marks: MarkText[];
  patterns: RegExp[];
  frame: SheetFrame;
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
 * Where a paper of `paperMm` lies on the plate, in the plate's frame (pt): centred across, `gripper` up
 * from the gripper edge; the paper's long side follows the plate's (x0 = (plateW − paperW)/2, y0 = gripper).
 * Without a press the gripper is unknown and the paper is centred vertically.
 */
export function paperRectOnPlate(
  frame: SheetFrame,
  paperMm: [number, number],
  press: Press | null,
): { rect: RectPt; warnings: Note[] } {
  const warnings: Note[] = [];
  const { widthPt: mw, heightPt: mh } = frame;
  const [pw, ph] = [Math.max(...paperMm), Math.min(...paperMm)].map(mmToPt);
  const x0 = (mw - pw) / 2;
  let y0: number;
  if (press) {
    y0 = mmToPt(press.gripperMm);
    if (y0 + ph > mh + 0.5) {
      warnings.push(
        note(
          "paper.over-gripper",
          `The paper does not fit above the ${press.name} gripper margin (${press.gripperMm} mm); placed at the top edge.`,
          { press: press.name, gripperMm: press.gripperMm },
        ),
      );
      y0 = Math.max(0, mh - ph);
    }
  } else {
    y0 = (mh - ph) / 2;
    warnings.push(
      note(
        "paper.centred",
        "The press is unknown, so its gripper margin is too: the paper is assumed centred on the plate.",
      ),
    );
  }
  return { rect: [x0, y0, x0 + pw, y0 + ph], warnings };
}

/** 1/1000 pt is far below any print tolerance and keeps the journal's JSON readable. */
const roundRect = (r: RectPt): RectPt => r.map((v) => Math.round(v * 1000) / 1000) as RectPt;
const mmRect = (r: RectPt): RectPt => r.map((v) => round1(ptToMm(v))) as RectPt;

/** A paper found as a rectangle in page space (TrimBox, content): its size and place in the frame. */
function fromPageRect(frame: SheetFrame, rectPt: RectPt, by: PaperBy): PaperFinding {
  const inFrame = rectToFrame(frame, rectPt);
  const [w, h] = rectSizeMm(inFrame);
  return {
    paperMm: [round1(w), round1(h)],
    by,
    rectPt: roundRect(rectPt),
    rectMm: mmRect(inFrame),
    warnings: [],
  };
}

export function findPaper(input: PaperInput): PaperFinding {
  const { frame } = input;
  const plateMm: [number, number] = [ptToMm(frame.widthPt), ptToMm(frame.heightPt)];
  const fromMark = paperFromMarks(input.marks, input.patterns, plateMm);
  if (fromMark) {
    const { rect, warnings } = paperRectOnPlate(frame, fromMark, input.press);
    const [pw, ph] = [Math.max(...fromMark), Math.min(...fromMark)];
    return {
      paperMm: [pw, ph],
      by: "mark",
      rectPt: roundRect(rectFromFrame(frame, rect)),
      rectMm: mmRect(rect),
      warnings,
    };
  }
  if (input.trimBox && strictlyInside(input.trimBox, frame.plateBoxPt)) {
    return fromPageRect(frame, input.trimBox, "trim-box");
  }
  // Paint outside the visible plate (beyond a CropBox) is not on the plate.
  const content = input.contentBoxPt && intersect(input.contentBoxPt, frame.plateBoxPt);
  if (content) return fromPageRect(frame, content, "content");
  return { paperMm: null, by: null, rectPt: null, rectMm: null, warnings: [] };
}
