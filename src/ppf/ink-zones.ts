// Ink-zone coverage: the share of each press ink zone the separation inks, measured across the sheet
// along the gripper edge, in the plate's frame (long side across, gripper edge at the bottom; see
// inspect/sheet-frame.ts). The zones are centred on the plate's centre line, as the press centres the
// sheet, so a sheet placed off centre on the plate meets the zones where it really lies.
import type { Sheet } from "../analysis/types.ts";
import type { InkZoneSettings } from "../config/settings-schema.ts";
import type { SeparationRaster } from "./separation-raster.ts";

/** One separation in the plate's frame: x along the gripper edge, row 0 at the top (far from the gripper). */
export interface FrameSeparation {
  /** Frame size in raster pixels and the raster's resolution. */
  width: number;
  height: number;
  dpi: number;
  /** Ink per frame column (1 = one pixel at 100 %). */
  columns: Float64Array;
  grid: Uint8Array;
  gridWidth: number;
  gridHeight: number;
  gridDpi: number;
}

/**
 * Quarter turns (clockwise) from the raster, the paper as a viewer shows it, to the plate's frame: 1
 * when the paper's size in the frame (`paperMm`, width along the gripper) matches the raster turned,
 * else 0. Without a known paper size, the frame's own rule: a portrait raster is turned.
 */
export function frameTurn(widthPx: number, heightPx: number, dpi: number, paperMm?: Sheet["paperMm"]): 0 | 1 {
  const w = (widthPx / dpi) * 25.4;
  const h = (heightPx / dpi) * 25.4;
  if (!paperMm) return h > w ? 1 : 0;
  const straight = Math.abs(w - paperMm[0]) + Math.abs(h - paperMm[1]);
  const turned = Math.abs(h - paperMm[0]) + Math.abs(w - paperMm[1]);
  return turned < straight ? 1 : 0;
}

/** The raster in the plate's frame (turned a quarter clockwise when `turn` is 1). */
export function toFrame(r: SeparationRaster, turn: 0 | 1): FrameSeparation {
  if (turn === 0) {
    const { rows: _rows, ...rest } = r;
    return rest;
  }
  // Turning clockwise: the raster's bottom row becomes the frame's left column.
  const columns = new Float64Array(r.height);
  for (let x = 0; x < r.height; x++) columns[x] = r.rows[r.height - 1 - x];
  const gw = r.gridHeight;
  const gh = r.gridWidth;
  const grid = new Uint8Array(gw * gh);
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) grid[y * gw + x] = r.grid[(r.gridHeight - 1 - x) * r.gridWidth + y];
  }
  const gridDpi = (gw * r.dpi) / r.height;
  return {
    width: r.height,
    height: r.width,
    dpi: r.dpi,
    columns,
    grid,
    gridWidth: gw,
    gridHeight: gh,
    gridDpi,
  };
}

/** A zone's span across the paper, mm from the paper's left edge in the frame; zone 1 first. */
export interface ZoneSpan {
  zone: number;
  fromMm: number;
  toMm: number;
}

/** Where the press's zones fall across this sheet's paper. */
export function zoneSpans(
  zones: Pick<InkZoneSettings, "count" | "widthMm" | "startEdge">,
  paperWidthMm: number,
  sheet?: Pick<Sheet, "plateMm" | "paperRectMm">,
): ZoneSpan[] {
  // The press centre line, mm from the paper's left edge: the plate's centre when the paper's place
  // on the plate is known, else the paper's own centre.
  const centre = sheet?.paperRectMm ? sheet.plateMm[0] / 2 - sheet.paperRectMm[0] : paperWidthMm / 2;
  const left = centre - (zones.count * zones.widthMm) / 2;
  const spans = Array.from({ length: zones.count }, (_, k) => ({
    zone: 0,
    fromMm: left + k * zones.widthMm,
    toMm: left + (k + 1) * zones.widthMm,
  }));
  if (zones.startEdge === "right") spans.reverse();
  return spans.map((s, i) => ({ ...s, zone: i + 1 }));
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Percent ink per zone over the part of the zone the paper covers (null: the zone lies off the
 * paper, nothing to preset). Columns cut by a zone edge count by the share inside.
 */
export function zoneCoverage(
  sep: Pick<FrameSeparation, "width" | "height" | "dpi" | "columns">,
  spans: ZoneSpan[],
): (number | null)[] {
  const pxPerMm = sep.dpi / 25.4;
  return spans.map((s) => {
    const a = Math.max(0, s.fromMm * pxPerMm);
    const b = Math.min(sep.width, s.toMm * pxPerMm);
    if (b - a < 1e-9) return null;
    let ink = 0;
    for (let x = Math.floor(a); x < Math.ceil(b); x++) {
      const share = Math.min(b, x + 1) - Math.max(a, x);
      if (share > 0) ink += sep.columns[x] * share;
    }
    return round2((ink / ((b - a) * sep.height)) * 100);
  });
}
