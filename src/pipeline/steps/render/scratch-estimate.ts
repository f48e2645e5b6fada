// How much disk a render needs, told before it starts from what the analysis knows: each sheet's size,
// the resolution of its one raster pass and its separations. Rasters are written uncompressed, so their
// size follows from pixels × bytes per pixel; the passes running at once hold theirs together.
import type { Analysis } from "../../../analysis/types.ts";
import type { Rect } from "./crop-pdf.ts";
import { passDpi, type RenderSettings } from "./render-sheets.ts";
import { MAX_RUN_PAGES } from "./schedule.ts";
import { PROCESS_INKS } from "./separations.ts";

const MM = 72 / 25.4;
/** Proof and thumbnail JPEGs of one page, generously. */
const PROOF_BYTES = 2 << 20;

export interface ScratchEstimate {
  /** Peak of the temporary files: cropped copy, preview being written, rasters of the passes at once. */
  scratchBytes: number;
  /** What stays in proofs/<job>: preview PDF, proofs, thumbnails. */
  outputBytes: number;
  /** The largest single page raster (its separations and composite). */
  pageBytes: number;
}

/** Bytes of one page's raster pass: tiffsep writes a CMYK composite and one plane per separation. */
export function pageRasterBytes(box: Rect, colorants: string[], settings: RenderSettings): number {
  const dpi = passDpi(box, settings, true);
  const px = Math.abs(((box[2] - box[0]) * dpi) / 72) * Math.abs(((box[3] - box[1]) * dpi) / 72);
  const spots = colorants.filter((c) => !(PROCESS_INKS as readonly string[]).includes(c)).length;
  // tiff32nc: 4 bytes per pixel; tiffsep: composite (4) + 4 process planes + one per spot. A page
  // without a colorant list (not Signa) goes through tiffsep too (the page scan decides): count one spot.
  const perPx = colorants.length === 0 ? 9 : spots > 0 ? 8 + spots : 4;
  return Math.ceil(px * perPx);
}

export function estimateScratch(
  analysis: Analysis,
  settings: RenderSettings,
  pdfBytes: number,
): ScratchEstimate {
  const pages = analysis.sheets.map((s) => {
    const box: Rect = s.paperRectPt ?? [0, 0, s.plateMm[0] * MM, s.plateMm[1] * MM];
    return pageRasterBytes(box, s.colorants, settings);
  });
  // At most `concurrency` passes run at once, each over at most MAX_RUN_PAGES pages: the largest
  // pages held together is the worst case.
  const atOnce = Math.max(1, settings.concurrency) * MAX_RUN_PAGES;
  const rasters = [...pages]
    .sort((a, b) => b - a)
    .slice(0, atOnce)
    .reduce((a, b) => a + b, 0);
  return {
    // The cropped copy is about the original's size; the preview being written at most that again.
    scratchBytes: rasters + 2 * pdfBytes,
    outputBytes: pdfBytes + pages.length * PROOF_BYTES,
    pageBytes: Math.max(0, ...pages),
  };
}
