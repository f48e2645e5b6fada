// Units and rectangles shared by the analysis steps. PDF points (1/72 in) in page space, y up.
export type RectPt = [number, number, number, number];

export const PT_PER_MM = 72 / 25.4;
export const mmToPt = (mm: number) => mm * PT_PER_MM;
export const ptToMm = (pt: number) => pt / PT_PER_MM;
/** mm rounded to 0.1, for sizes printed in the journal (paper 900.0 × 640.0). */
export const round1 = (mm: number) => Math.round(mm * 10) / 10;

/** Orders a rectangle's corners so x0 < x1 and y0 < y1. */
export function normalizeRect(r: number[]): RectPt {
  const [a, b, c, d] = r;
  return [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
}

export function rectSizeMm(r: RectPt): [number, number] {
  return [ptToMm(r[2] - r[0]), ptToMm(r[3] - r[1])];
}

/** Rounded mm, long side first (how presses and plates are named: 1030×770). */
export function landscapeMm(r: RectPt): [number, number] {
  const [w, h] = rectSizeMm(r).map(Math.round);
  return w >= h ? [w, h] : [h, w];
}

export function intersect(a: RectPt, b: RectPt): RectPt | null {
  const r: RectPt = [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])];
  return r[0] < r[2] && r[1] < r[3] ? r : null;
}

/** True when `inner` lies within `outer` and is smaller by more than `tolPt` on at least one side. */
export function strictlyInside(inner: RectPt, outer: RectPt, tolPt = 0.5): boolean {
  const within =
    inner[0] >= outer[0] - tolPt &&
    inner[1] >= outer[1] - tolPt &&
    inner[2] <= outer[2] + tolPt &&
    inner[3] <= outer[3] + tolPt;
  const smaller =
    inner[0] - outer[0] > tolPt ||
    inner[1] - outer[1] > tolPt ||
    outer[2] - inner[2] > tolPt ||
    outer[3] - inner[3] > tolPt;
  return within && smaller;
}
