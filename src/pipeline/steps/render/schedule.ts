// How one render's Ghostscript work is spread over its lanes (the render concurrency). A Ghostscript
// process costs about two pages before it draws anything (start-up, colour management set-up), so each
// lane gets as few processes as possible; the preview, usually the longest single piece, is counted
// as work of its own, so that the lanes finish together instead of one waiting for the other.
import type { Rect } from "./crop-pdf.ts";

/** One page's raster pass, as the scheduler sees it. */
export interface RasterJob {
  page: number;
  box: Rect;
  dpi: number;
  /** tiffsep (spot colours) rather than the plain CMYK device. */
  spots: boolean;
  /** Long side of the proof made from this pass, px; 0 for ink coverage only. */
  proofPx: number;
  /** Pixels of the images the page draws (see page-scan.ts). */
  imagePx: number;
}

/**
 * Relative costs, in seconds as measured on the 2-core build machine (gs 10.0, plate-size sheets at
 * 72 dpi). Only their ratios matter: a wrong guess costs balance between lanes, never correctness.
 */
export const COST = {
  /** A raster process: start-up and colour-link set-up, paid once per process. */
  run: 0.15,
  /** pdfwrite start-up (it runs with -dUseFastColor: no colour links to build). */
  previewRun: 0.07,
  /** The preview's per-page work besides images (content, fonts, writing). */
  previewPage: 0.015,
  /** Per million raster pixels on the CMYK device, reading the TIFF back included. */
  rasterMpx: 0.012,
  /** Per million raster pixels on tiffsep: a file per separation plus the composite. */
  separationMpx: 0.085,
  /** Per million image pixels: decoding (and for the preview re-encoding); every pass pays it. */
  imageMpx: 0.022,
  /** Per million proof pixels: ICC transform, JPEG encoding, thumbnail. */
  proofMpx: 0.055,
};

/** At most this many pages per Ghostscript process: bounds the temp disk a run holds at once. */
export const MAX_RUN_PAGES = 8;

const kindOf = (j: RasterJob) => `${j.spots ? "sep" : "cmyk"}@${Math.round(j.dpi * 1000)}`;

export function rasterCost(j: RasterJob): number {
  const [w, h] = [j.box[2] - j.box[0], j.box[3] - j.box[1]];
  const mpx = (Math.abs(w * h) * (j.dpi / 72) ** 2) / 1e6;
  const proofMpx = j.proofPx > 0 ? (j.proofPx ** 2 * Math.min(w, h)) / Math.max(w, h, 1e-9) / 1e6 : 0;
  return (
    mpx * (j.spots ? COST.separationMpx : COST.rasterMpx) +
    (j.imagePx / 1e6) * COST.imageMpx +
    proofMpx * COST.proofMpx
  );
}

export function previewCost(jobs: RasterJob[]): number {
  return COST.previewRun + jobs.reduce((s, j) => s + COST.previewPage + (j.imagePx / 1e6) * COST.imageMpx, 0);
}

/** The estimated cost of one Ghostscript process over `run`. */
export const runCost = (run: RasterJob[]): number => COST.run + run.reduce((s, j) => s + rasterCost(j), 0);

export interface LanePlan<T extends RasterJob> {
  /** This lane writes the preview first. */
  preview: boolean;
  /** Ghostscript processes in order: each a list of pages (ascending) sharing device and resolution. */
  runs: T[][];
  /** Estimated seconds. */
  cost: number;
}

/**
 * Assigns pages in order, each to the lane where it would finish earliest (a lane that has no process
 * of the page's kind yet pays for starting one), the preview pre-loaded on lane 0. Lanes' pages are
 * then cut into processes by kind; a process holding a proof goes first, so page 1's proof is early.
 */
export function planLanes<T extends RasterJob>(jobs: T[], lanes: number, preview: boolean): LanePlan<T>[] {
  const n = Math.max(1, Math.min(Math.floor(lanes) || 1, jobs.length + (preview ? 1 : 0)));
  const bins = Array.from({ length: n }, () => ({
    preview: false,
    cost: 0,
    byKind: new Map<string, T[]>(),
  }));
  if (preview) {
    bins[0].preview = true;
    bins[0].cost = previewCost(jobs);
  }
  for (const j of jobs) {
    const kind = kindOf(j);
    const cost = rasterCost(j);
    let best = bins[0];
    let bestEnd = Number.POSITIVE_INFINITY;
    for (const b of bins) {
      const count = b.byKind.get(kind)?.length ?? 0;
      const end = b.cost + cost + (count % MAX_RUN_PAGES === 0 ? COST.run : 0);
      if (end < bestEnd - 1e-9) {
        best = b;
        bestEnd = end;
      }
    }
    best.cost = bestEnd;
    best.byKind.set(kind, [...(best.byKind.get(kind) ?? []), j]);
  }
  return bins.map((b) => {
    const runs: T[][] = [];
    for (const pages of b.byKind.values()) {
      const sorted = [...pages].sort((x, y) => x.page - y.page);
      for (let i = 0; i < sorted.length; i += MAX_RUN_PAGES) runs.push(sorted.slice(i, i + MAX_RUN_PAGES));
    }
    const firstProof = (r: T[]) =>
      Math.min(...r.map((j) => (j.proofPx > 0 ? j.page : Number.POSITIVE_INFINITY)));
    runs.sort((x, y) => firstProof(x) - firstProof(y) || x[0].page - y[0].page);
    return { preview: b.preview, runs, cost: b.cost };
  });
}
