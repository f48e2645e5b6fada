// Makes the preview PDF, proofs, thumbnails and ink coverage into proofs/<job>/ and books the inks
// into the stored analysis. A page that fails to render is a warning, never a failed job.
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Analysis } from "../../../analysis/types.ts";
import { DiskFullError, ensureRoom, isDiskFull, mb } from "../../../files/disk-space.ts";
import { CropLimitError, cropIsolated, limitsOf } from "../../../isolation/isolated.ts";
import { sharedPool } from "../../../isolation/pdf-pool.ts";
import type { Step } from "../../step.ts";
import { renderSheets, withInks } from "./index.ts";
import { estimateScratch } from "./scratch-estimate.ts";

/** Renders running in this process now (all jobs). */
let rendering = 0;

/**
 * Lanes for one render: the configured concurrency when it runs alone; when other jobs render too,
 * the cores are shared out, since each lane beyond that only adds Ghostscript processes (each pays
 * its start-up) that wait for a core anyway (cpu-slots.ts).
 */
export function renderLanes(configured: number, renders: number, cores = os.availableParallelism()): number {
  return Math.max(1, Math.min(configured, Math.floor(cores / Math.max(1, renders))));
}

/** Left free beyond the render's own need: the journal must still be written. */
const RESERVE_BYTES = 16 << 20;

/** Checks the room a render needs before it starts (work and proofs may be one file system). */
async function ensureRenderRoom(work: string, proofs: string, scratch: number, output: number) {
  const dev = async (d: string) => (await fsp.stat(d).catch(() => null))?.dev;
  if ((await dev(work)) === (await dev(proofs))) {
    await ensureRoom(work, scratch + output + RESERVE_BYTES, "rendering (scratch files, proofs)");
    return;
  }
  await ensureRoom(work, scratch + RESERVE_BYTES, "rendering (scratch files)");
  await ensureRoom(proofs, output + RESERVE_BYTES, "writing the preview and proofs");
}

export const renderStep: Step = {
  name: "render",
  async run({ job, settings, paths, signal, log }) {
    const analysis = JSON.parse(job.analysis as string) as Analysis;
    const outDir = path.join(paths.proofs, String(job.id));
    await fsp.rm(outDir, { recursive: true, force: true });
    await fsp.mkdir(outDir, { recursive: true });
    // Rasters of big sheets go to the data volume, not a small /tmp.
    const tmpDir = path.join(paths.work, String(job.id));
    const pdfBytes = (await fsp.stat(job.work_path as string)).size;
    const estimate = estimateScratch(analysis, settings.render, pdfBytes);
    await ensureRenderRoom(paths.work, outDir, estimate.scratchBytes, estimate.outputBytes);
    // The MuPDF crop runs in the PDF pool under the analysis limits, like the analysis itself.
    const pool = sharedPool(settings.analysis.workers);
    const crop = (src: string, dest: string, rects: Parameters<typeof cropIsolated>[2]) =>
      cropIsolated(src, dest, rects, { pool, limits: limitsOf(settings), signal });
    // Proofs come from the copy MuPDF could read when the analysis needed one (the original is delivered).
    const repaired = analysis.repairedCopy?.path;
    const source =
      repaired && (await fsp.stat(repaired).catch(() => null)) ? repaired : (job.work_path as string);
    if (source === repaired) await log(`render: from the copy ${analysis.repairedCopy?.by} repaired`, "warn");
    let r: Awaited<ReturnType<typeof renderSheets>>;
    rendering++;
    try {
      const concurrency = renderLanes(settings.render.concurrency, rendering);
      r = await renderSheets({
        pdfPath: source,
        analysis,
        settings: { ...settings.render, concurrency },
        outDir,
        signal,
        tmpDir,
        crop,
      });
    } catch (e) {
      if (e instanceof CropLimitError) return { reject: e.error };
      // A full disk is not the file's fault: the job waits for room and renders again.
      if (isDiskFull(e) && !(e instanceof DiskFullError))
        throw new DiskFullError(`disk full while writing proofs: ${(e as Error).message}`);
      throw e;
    } finally {
      rendering--;
    }
    for (const w of r.warnings) await log(`render: ${w}`, "warn");
    // Done says what it lacks: each sheet that did not render is named with what is missing.
    const lacking = r.pages.filter((p) => p.missing?.length);
    if (lacking.length)
      await log(
        `render: ${lacking.length} of ${r.pages.length} sheet(s) not rendered: ${lacking
          .map((p) => `sheet ${p.page} has no ${p.missing?.join(", ")}`)
          .join("; ")}`,
        "warn",
      );
    const rel = (p: string | null | undefined) => (p ? path.relative(outDir, p) : null);
    return {
      patch: { analysis: JSON.stringify(withInks(analysis, r)) },
      outputs: {
        engine: r.engine,
        preview: rel(r.previewPdf),
        pages: r.pages.map((p) => ({
          page: p.page,
          proof: rel(p.proof),
          thumbnail: rel(p.thumbnail),
          ...(p.warning ? { warning: p.warning } : {}),
          ...(p.missing ? { missing: p.missing } : {}),
        })),
        scratch: { estimatedBytes: estimate.scratchBytes, measuredBytes: r.scratchPeakBytes },
      },
      info: `${r.pages.length} page(s) with ${r.engine} in ${r.timings.totalMs} ms${
        lacking.length
          ? `, ${lacking.length} not rendered (sheet ${lacking.map((p) => p.page).join(", ")})`
          : ""
      }${r.warnings.length ? `, ${r.warnings.length} warning(s)` : ""}, scratch ${mb(r.scratchPeakBytes)} (estimated ${mb(estimate.scratchBytes)})`,
    };
  },
};
