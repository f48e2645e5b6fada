// What the ink-key preset needs of one separation, gathered while the TIFF strips are summed for
// the ink coverage (the same Ghostscript pass, the same read): the ink of every raster column and row
// at full resolution (for the zone coverage) and a coarse grid of cell sums (the PPF preview image).
import type { TiffInfo } from "../pipeline/steps/render/tiff-reader.ts";

/** One separation of one page, raster orientation (as Ghostscript drew the cropped page). */
export interface SeparationRaster {
  /** Raster size in pixels and its resolution. */
  width: number;
  height: number;
  dpi: number;
  /** Ink per column / per row, in units of one pixel at 100 % (0..height / 0..width). */
  columns: Float64Array;
  rows: Float64Array;
  /** The preview grid: ink 0..255 per cell (255 = solid), row 0 at the top. */
  grid: Uint8Array;
  gridWidth: number;
  gridHeight: number;
  gridDpi: number;
}

/** The resolution the CIP3 PPF 3.0 specification names for preview images (2 pixels per mm). */
export const PPF_DPI = 50.8;

/**
 * Gathers, channel by channel, the column and row ink and the grid cell sums of an 8-bit TIFF read
 * in order (chunks that follow each other through the strips). `inkIs255`: CMYK composites store ink
 * as 255, tiffsep's separation files as 0.
 */
export class RasterAccumulator {
  private readonly spp: number;
  private readonly width: number;
  private readonly height: number;
  private readonly gridW: number;
  private readonly gridH: number;
  private readonly gridDpi: number;
  private readonly cellOfX: Int32Array;
  private readonly cellOfY: Int32Array;
  private readonly cols: Float64Array[];
  private readonly rowSums: Float64Array[];
  private readonly cells: Float64Array[];
  /** Position of the next sample: pixel index (x + y * width) and channel. */
  private pixel = 0;
  private channel = 0;

  constructor(
    info: Pick<TiffInfo, "width" | "height" | "samplesPerPixel">,
    private readonly dpi: number,
    private readonly inkIs255: boolean,
  ) {
    this.spp = info.samplesPerPixel;
    this.width = info.width;
    this.height = info.height;
    // Never finer than the raster itself: a pass below 50.8 dpi gives a preview at its own resolution.
    this.gridDpi = Math.min(PPF_DPI, dpi);
    const scale = this.gridDpi / dpi;
    this.gridW = Math.max(1, Math.round(this.width * scale));
    this.gridH = Math.max(1, Math.round(this.height * scale));
    this.cellOfX = Int32Array.from({ length: this.width }, (_, x) =>
      Math.min(this.gridW - 1, Math.floor((x * this.gridW) / this.width)),
    );
    this.cellOfY = Int32Array.from({ length: this.height }, (_, y) =>
      Math.min(this.gridH - 1, Math.floor((y * this.gridH) / this.height)),
    );
    const many = (n: number) => Array.from({ length: this.spp }, () => new Float64Array(n));
    this.cols = many(this.width);
    this.rowSums = many(this.height);
    this.cells = many(this.gridW * this.gridH);
  }

  /** Adds `chunk[0..n)`, the next samples of the image in file order. */
  add(chunk: Buffer, n: number): void {
    const { spp, width } = this;
    let pixel = this.pixel;
    let channel = this.channel;
    let x = pixel % width;
    let y = (pixel - x) / width;
    let cellRow = this.cellOfY[y] * this.gridW;
    for (let i = 0; i < n; i++) {
      if (y >= this.height) break; // padding after the last row
      const v = chunk[i];
      this.cols[channel][x] += v;
      this.rowSums[channel][y] += v;
      this.cells[channel][cellRow + this.cellOfX[x]] += v;
      if (++channel === spp) {
        channel = 0;
        pixel++;
        if (++x === width) {
          x = 0;
          y++;
          if (y < this.height) cellRow = this.cellOfY[y] * this.gridW;
        }
      }
    }
    this.pixel = pixel;
    this.channel = channel;
  }

  /** The separation raster of each channel, ink as coverage (1 = one pixel at 100 %). */
  result(): SeparationRaster[] {
    const { width, height, gridW, gridH } = this;
    // Pixels per grid cell, from the same mapping the sums used.
    const perX = new Float64Array(gridW);
    const perY = new Float64Array(gridH);
    for (const c of this.cellOfX) perX[c]++;
    for (const c of this.cellOfY) perY[c]++;
    return this.cols.map((cols, ch) => {
      const toInk = (sum: number, px: number) => (this.inkIs255 ? sum : 255 * px - sum) / 255;
      const columns = cols.map((s) => toInk(s, height));
      const rows = this.rowSums[ch].map((s) => toInk(s, width));
      const grid = new Uint8Array(gridW * gridH);
      const cells = this.cells[ch];
      for (let cy = 0; cy < gridH; cy++) {
        for (let cx = 0; cx < gridW; cx++) {
          const px = perX[cx] * perY[cy];
          grid[cy * gridW + cx] = px ? Math.round((toInk(cells[cy * gridW + cx], px) / px) * 255) : 0;
        }
      }
      return {
        width,
        height,
        dpi: this.dpi,
        columns,
        rows,
        grid,
        gridWidth: gridW,
        gridHeight: gridH,
        gridDpi: (gridW * this.dpi) / width, // after rounding the cell count
      };
    });
  }
}
