// The plate as the press sees it, whatever the PDF's page space looks like. A sheet may come with a
// portrait MediaBox and `/Rotate 90`, a MediaBox whose origin is not 0,0, or a CropBox inside a larger
// MediaBox; the plate, the paper and every position on them must read the same as on a plain page.
//
// The frame: the visible page (CropBox within MediaBox) as a viewer shows it (after /Rotate), turned a
// further quarter clockwise when that is portrait, so the long side runs across; origin at its lower-left
// corner, the gripper edge at the bottom (y = 0). Page space stays what PDF boxes (the preview crop) use.
import { intersect, normalizeRect, type RectPt } from "./geometry.ts";

export interface SheetFrame {
  /** The plate in page space: the CropBox clipped to the MediaBox (the MediaBox without a CropBox). */
  plateBoxPt: RectPt;
  /** Clockwise quarter turns from page space to the frame. */
  turns: 0 | 1 | 2 | 3;
  /** Frame size in pt: width along the gripper edge, the long side. */
  widthPt: number;
  heightPt: number;
}

/** /Rotate as quarter turns clockwise; anything not a multiple of 90 counts as 0, as viewers treat it. */
export function quarterTurns(rotate: number | null | undefined): 0 | 1 | 2 | 3 {
  if (!Number.isFinite(rotate) || (rotate as number) % 90 !== 0) return 0;
  return (((((rotate as number) / 90) % 4) + 4) % 4) as 0 | 1 | 2 | 3;
}

export function sheetFrame(mediaBox: RectPt, cropBox: RectPt | null | undefined, rotate = 0): SheetFrame {
  const plateBoxPt = (cropBox && intersect(normalizeRect(cropBox), mediaBox)) || mediaBox;
  const w = plateBoxPt[2] - plateBoxPt[0];
  const h = plateBoxPt[3] - plateBoxPt[1];
  let turns = quarterTurns(rotate);
  const shownPortrait = turns % 2 === 0 ? h > w : w > h;
  if (shownPortrait) turns = ((turns + 1) % 4) as 0 | 1 | 2 | 3;
  const [widthPt, heightPt] = turns % 2 === 0 ? [w, h] : [h, w];
  return { plateBoxPt, turns, widthPt, heightPt };
}

/** A point in page space → the frame. */
function pointToFrame(f: SheetFrame, x: number, y: number): [number, number] {
  const [x0, y0, x1, y1] = f.plateBoxPt;
  const u = x - x0;
  const v = y - y0;
  const W = x1 - x0;
  const H = y1 - y0;
  // Turning the page clockwise: its left edge goes to the top, its bottom edge to the left.
  switch (f.turns) {
    case 0:
      return [u, v];
    case 1:
      return [v, W - u];
    case 2:
      return [W - u, H - v];
    case 3:
      return [H - v, u];
  }
}

/** A point in the frame → page space (the inverse of pointToFrame). */
function pointFromFrame(f: SheetFrame, X: number, Y: number): [number, number] {
  const [x0, y0, x1, y1] = f.plateBoxPt;
  const W = x1 - x0;
  const H = y1 - y0;
  const [u, v] =
    f.turns === 0 ? [X, Y] : f.turns === 1 ? [W - Y, X] : f.turns === 2 ? [W - X, H - Y] : [Y, H - X];
  return [x0 + u, y0 + v];
}

/** A page-space rectangle in the frame (pt). */
export function rectToFrame(f: SheetFrame, r: RectPt): RectPt {
  const [a, b] = pointToFrame(f, r[0], r[1]);
  const [c, d] = pointToFrame(f, r[2], r[3]);
  return normalizeRect([a, b, c, d]);
}

/** A frame rectangle (pt) in page space. */
export function rectFromFrame(f: SheetFrame, r: RectPt): RectPt {
  const [a, b] = pointFromFrame(f, r[0], r[1]);
  const [c, d] = pointFromFrame(f, r[2], r[3]);
  return normalizeRect([a, b, c, d]);
}
