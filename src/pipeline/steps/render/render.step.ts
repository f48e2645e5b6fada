// Makes the preview PDF, proofs, thumbnails and ink coverage into proofs/<job>/ and books the inks
// and the plates into the stored analysis. Nothing here holds the original back: a page that fails,
// or a render that fails as a whole (crop, Ghostscript, a limit, a bug of ours), is a warning on a
// job that still goes to its bureau. Only cancellation (the job's own time limit) and a full disk,
// which waits for room, leave this step unfinished.
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { attentionColumn } from "../../../analysis/attention.ts";
import { jobWarnings, warningsColumn } from "../../../analysis/job-warnings.ts";
import type { Analysis } from "../../../analysis/types.ts";
import { DiskFullError, ensureRoom, isDiskFull, mb } from "../../../files/disk-space.ts";
import { cropIsolated, limitsOf } from "../../../isolation/isolated.ts";
import { sharedPool } from "../../../isolation/pdf-pool.ts";
import { inkZonesOfPresses } from "../../../ppf/press-zones.ts";
import { sheetSideOf } from "../../../ppf/sheet-side.ts";
import { note, noteList } from "../../../util/note.ts";
import type { Step } from "../../step.ts";
import { bookFigures } from "../analyse/analyse.step.ts";
import { ghostscriptAvailable, type RenderResult, renderSheets, withInks } from "./index.ts";
import { estimateScratch } from "./scratch-estimate.ts";

/**
 * The render may use the job's time up to this share of what is left: archive, planning and the first
 * delivery of the original keep the rest, so a slow render never makes the whole job time out.
 */
const RENDER_SHARE = 0.75;

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
  async run({ job, settings, paths, signal: jobSignal, deadline, log, logger }) {
    const budgetMs = Math.max(0, (deadline - Date.now()) * RENDER_SHARE);
    const overBudget = new AbortController();
    const budget = setTimeout(() => overBudget.abort(), budgetMs);
    try {
      return await renderJob();
    } finally {
      clearTimeout(budget);
    }
    async function renderJob() {
      const signal = AbortSignal.any([jobSignal, overBudget.signal]);
      const analysis = JSON.parse(job.analysis as string) as Analysis;
      const outDir = path.join(paths.proofs, String(job.id));
      await fsp.rm(outDir, { recursive: true, force: true });
      await fsp.mkdir(outDir, { recursive: true });
      // Rasters of big sheets go to the data volume, not a small /tmp.
      const tmpDir = path.join(paths.work, String(job.id));
      // After the archive step (a "make missing outputs" run) the original is in the archive.
      const original = (job.work_path ?? job.final_path) as string;
      const pdfBytes = (await fsp.stat(original)).size;
      const estimate = estimateScratch(analysis, settings.render, pdfBytes);
      await ensureRenderRoom(paths.work, outDir, estimate.scratchBytes, estimate.outputBytes);
      // The MuPDF crop runs in the PDF pool under the analysis limits, like the analysis itself.
      const pool = sharedPool(settings.analysis.workers);
      const crop = (src: string, dest: string, rects: Parameters<typeof cropIsolated>[2]) =>
        cropIsolated(src, dest, rects, { pool, limits: limitsOf(settings), signal });
      // Proofs come from the copy MuPDF could read when the analysis needed one (the original is delivered).
      const repaired = analysis.repairedCopy?.path;
      const source = repaired && (await fsp.stat(repaired).catch(() => null)) ? repaired : original;
      if (source === repaired)
        await log(
          note("log.render-repaired", `render: from the copy ${analysis.repairedCopy?.by} repaired`, {
            by: String(analysis.repairedCopy?.by ?? ""),
          }),
          "warn",
        );
      let r: RenderResult;
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
          inkZones: inkZonesOfPresses(settings.presses),
          sideOf: sheetSideOf(settings.presses),
          jobName: path.basename(job.file_name).replace(/\.pdf$/i, ""),
        });
      } catch (e) {
        if (jobSignal.aborted) throw e;
        // A full disk is not the file's fault: the job waits for room and renders again.
        if (isDiskFull(e) && !(e instanceof DiskFullError))
          throw new DiskFullError(`disk full while writing proofs: ${(e as Error).message}`, {
            dir:
              typeof (e as { path?: unknown }).path === "string"
                ? path.dirname((e as { path: string }).path)
                : outDir,
          });
        if (e instanceof DiskFullError) throw e;
        // Anything else (the crop, a limit, its share of the job's time, a bug of ours): nothing was
        // made, the original still goes.
        const reason = overBudget.signal.aborted
          ? `rendering ran past its share of the job's time limit (${Math.round(budgetMs / 1000)} s)`
          : e instanceof Error
            ? e.message
            : String(e);
        logger.warn({ err: e }, "render failed as a whole");
        await fsp.rm(outDir, { recursive: true, force: true });
        r = nothingRendered(analysis, reason, (await ghostscriptAvailable()) ? "ghostscript" : "mupdf");
      } finally {
        rendering--;
      }
      // A remake from the archive: the work folder held only this render's scratch.
      if (!job.work_path) await fsp.rm(tmpDir, { recursive: true, force: true });
      for (const w of r.warnings)
        await log(note("log.render-warning", `render: ${w.text}`, { what: w }), "warn");
      // Done says what it lacks: each sheet that did not render is named with what is missing.
      const lacking = r.pages.filter((p) => p.missing?.length);
      if (lacking.length)
        await log(
          note(
            "log.render-lacking",
            `render: ${lacking.length} of ${r.pages.length} sheet(s) not rendered: ${lacking
              .map((p) => `sheet ${p.page} has no ${p.missing?.join(", ")}`)
              .join("; ")}`,
            {
              count: lacking.length,
              total: r.pages.length,
              sheets: noteList(
                lacking.map((p) =>
                  note("log.sheet-lacks", `sheet ${p.page} has no ${p.missing?.join(", ")}`, {
                    page: p.page,
                    // Each missing part as a note: the UI names it in the reader's language.
                    missing: noteList(
                      (p.missing ?? []).map((m) => note("render.part", m, { part: m })),
                      ", ",
                    ),
                  }),
                ),
              ),
            },
          ),
          "warn",
        );
      const rel = (p: string | null | undefined) => (p ? path.relative(outDir, p) : null);
      const booked = withInks(analysis, r);
      const warnings = jobWarnings(booked, r);
      if (warnings.length)
        await log(
          note("log.render-warnings", `render: ${warnings.length} warning(s) for the journal`, {
            count: warnings.length,
          }),
          "warn",
        );
      // A file without Signa's lists is counted from its separations: plates and money follow.
      let figures = {};
      if (booked.platesBy === "separations") {
        const { areaM2, money } = bookFigures(booked, settings);
        figures = { plates: booked.plates, plate_area_m2: areaM2, money };
      }
      return {
        patch: {
          analysis: JSON.stringify(booked),
          warnings: warningsColumn(warnings),
          attention: attentionColumn(booked, warnings),
          ...figures,
        },
        outputs: {
          engine: r.engine,
          preview: rel(r.previewPdf),
          previewError: r.previewError,
          pages: r.pages.map((p) => ({
            page: p.page,
            proof: rel(p.proof),
            thumbnail: rel(p.thumbnail),
            ...(p.ppf ? { ppf: path.relative(outDir, p.ppf) } : {}),
            ...(p.warning ? { warning: p.warning } : {}),
            ...(p.missing ? { missing: p.missing } : {}),
          })),
          scratch: { estimatedBytes: estimate.scratchBytes, measuredBytes: r.scratchPeakBytes },
        },
        info: note(
          "render.summary",
          `${r.pages.length} page(s) with ${r.engine} in ${r.timings.totalMs} ms${
            lacking.length
              ? `, ${lacking.length} not rendered (sheet ${lacking.map((p) => p.page).join(", ")})`
              : ""
          }${r.warnings.length ? `, ${r.warnings.length} warning(s)` : ""}, scratch ${mb(r.scratchPeakBytes)} (estimated ${mb(estimate.scratchBytes)})`,
          {
            pages: r.pages.length,
            engine: r.engine === "ghostscript" ? "Ghostscript" : "MuPDF",
            ms: r.timings.totalMs,
            lacking: lacking.length,
            lackingSheets: lacking.map((p) => p.page).join(", "),
            warnings: r.warnings.length,
            scratchMb: Number((r.scratchPeakBytes / 1024 / 1024).toFixed(1)),
            estimatedMb: Number((estimate.scratchBytes / 1024 / 1024).toFixed(1)),
          },
        ),
      };
    }
  },
};

/** A render that failed before any page: every sheet lacks its outputs, for the same reason. */
function nothingRendered(analysis: Analysis, reason: string, engine: RenderResult["engine"]): RenderResult {
  return {
    previewPdf: null,
    previewError: reason,
    engine,
    warnings: [note("render.failed", `render failed: ${reason}`, { detail: reason })],
    pages: analysis.sheets.map((s) => ({
      page: s.page,
      proof: null,
      thumbnail: null,
      inks: {},
      inkTotal: 0,
      inkAreaPt: s.inkAreaPt ?? [0, 0, 0, 0],
      inksApproximate: false,
      missing: ["proof", "thumbnail", "inks"],
      warning: note("render.page-failed", `not rendered (no proof, thumbnail, inks): ${reason}`, {
        missing: "proof, thumbnail, inks",
        detail: reason,
      }),
    })),
    timings: { cropMs: 0, previewMs: 0, pagesMs: 0, totalMs: 0 },
    scratchPeakBytes: 0,
  };
}
