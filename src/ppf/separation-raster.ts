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
  /** Integer sums (a cell holds at most a few hundred pixels of 255): half the memory of floats. */
  private readonly cells: Uint32Array[];
  /** Position of the next sample: its row and its index within the row (x * spp + channel). */
  private y = 0;
  private s = 0;

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
    this.cells = Array.from({ length: this.spp }, () => new Uint32Array(this.gridW * this.gridH));
  }

  /** Adds `chunk[0..n)`, the next samples of the image in file order, a row segment at a time. */
  add(chunk: Buffer, n: number): void {
    const { spp, width, gridW, cellOfX } = this;
    const rowSamples = width * spp;
    let i = 0;
    while (i < n && this.y < this.height) {
      const len = Math.min(n - i, rowSamples - this.s);
      const base = this.cellOfY[this.y] * gridW;
      if (spp === 1) {
        // The common case (one tiffsep file per separation): local arrays, no channel arithmetic.
        const cols = this.cols[0];
        const cells = this.cells[0];
        const x0 = this.s;
        let acc = 0;
        // A cell's pixels follow each other along the row: summed locally, stored once per cell.
        let cell = cellOfX[x0];
        let cellAcc = 0;
        for (let k = 0; k < len; k++) {
          const v = chunk[i + k];
          const x = x0 + k;
          cols[x] += v;
          const c = cellOfX[x];
          if (c !== cell) {
            cells[base + cell] += cellAcc;
            acc += cellAcc;
            cell = c;
            cellAcc = 0;
          }
          cellAcc += v;
        }
        cells[base + cell] += cellAcc;
        acc += cellAcc;
        this.rowSums[0][this.y] += acc;
      } else if (spp === 4 && this.s % 4 === 0 && len % 4 === 0) {
        // The CMYK composite (process-only pages): whole pixels, channels unrolled.
        const [c0, c1, c2, c3] = this.cols;
        const [g0, g1, g2, g3] = this.cells;
        const x0 = this.s / 4;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        // As for one channel: each cell's run of pixels summed locally (flushed inline: a closure
        // over these counters costs V8 its fast path).
        let cell = cellOfX[x0];
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let k = 0, x = x0; k < len; k += 4, x++) {
          const c = cellOfX[x];
          if (c !== cell) {
            g0[base + cell] += s0;
            g1[base + cell] += s1;
            g2[base + cell] += s2;
            g3[base + cell] += s3;
            a0 += s0;
            a1 += s1;
            a2 += s2;
            a3 += s3;
            s0 = 0;
            s1 = 0;
            s2 = 0;
            s3 = 0;
            cell = c;
          }
          const v0 = chunk[i + k];
          const v1 = chunk[i + k + 1];
          const v2 = chunk[i + k + 2];
          const v3 = chunk[i + k + 3];
          c0[x] += v0;
          c1[x] += v1;
          c2[x] += v2;
          c3[x] += v3;
          s0 += v0;
          s1 += v1;
          s2 += v2;
          s3 += v3;
        }
        g0[base + cell] += s0;
        g1[base + cell] += s1;
        g2[base + cell] += s2;
        g3[base + cell] += s3;
        a0 += s0;
        a1 += s1;
        a2 += s2;
        a3 += s3;
        const y = this.y;
        this.rowSums[0][y] += a0;
        this.rowSums[1][y] += a1;
        this.rowSums[2][y] += a2;
        this.rowSums[3][y] += a3;
      } else {
        for (let k = 0; k < len; k++) {
          const at = this.s + k;
          const ch = at % spp;
          const x = (at - ch) / spp;
          const v = chunk[i + k];
          this.cols[ch][x] += v;
          this.cells[ch][base + cellOfX[x]] += v;
          this.rowSums[ch][this.y] += v;
        }
      }
      i += len;
      this.s += len;
      if (this.s === rowSamples) {
        this.s = 0;
        this.y++;
      }
    }
  }

  /** The separation raster of each channel, ink as coverage (1 = one pixel at 100 %). */
  result(): SeparationRaster[] {
    const { width, height, gridW, gridH } = this;
    // Pixels per grid cell, from the same mapping the sums used.
    const perX = new Float64Array(gridW);
    const perY = new Float64Array(gridH);
    for (const c of this.cellOfX) perX[c]++;
    for (const c of this.cellOfY) perY[c]++;
    const invX = perX.map((n) => (n ? 1 / n : 0));
    return this.cols.map((cols, ch) => {
      // tiffsep stores ink as 0: a column's ink is its pixels less what it holds.
      const inv = !this.inkIs255;
      const columns = new Float64Array(width);
      for (let x = 0; x < width; x++) columns[x] = inv ? height - cols[x] / 255 : cols[x] / 255;
      const rows = new Float64Array(height);
      const rs = this.rowSums[ch];
      for (let y = 0; y < height; y++) rows[y] = inv ? width - rs[y] / 255 : rs[y] / 255;
      const grid = new Uint8Array(gridW * gridH);
      const cells = this.cells[ch];
      // Per-cell mean through reciprocals; a Uint8Array truncates, so +0.5 rounds.
      for (let cy = 0; cy < gridH; cy++) {
        if (!perY[cy]) continue; // never with a grid no finer than the raster; no pixels, no ink
        const ry = 1 / perY[cy];
        const row = cy * gridW;
        for (let cx = 0; cx < gridW; cx++) {
          if (!invX[cx]) continue;
          const mean = cells[row + cx] * invX[cx] * ry; // 0..255 as stored
          grid[row + cx] = inv ? 255.5 - mean : mean + 0.5;
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
