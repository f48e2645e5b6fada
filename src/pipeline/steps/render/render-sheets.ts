// The render step's engine: crop every page to its paper once, then in parallel (child processes or a
// worker thread, never the event loop) make the preview PDF and, per page, ONE raster pass that gives
// the proof, the thumbnail and the ink coverage of every separation. schedule.ts decides which lane
// runs what, in as few Ghostscript processes as the lanes allow.
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Analysis, Sheet } from "../../../analysis/types.ts";
import type { Settings } from "../../../config/settings-schema.ts";
import { isDiskFull } from "../../../files/disk-space.ts";
import { addStage, timeStage } from "../../stages.ts";
import { cpuSlots } from "./cpu-slots.ts";
import { type CropResult, type Rect, writeCroppedPdf } from "./crop-pdf.ts";
import { ghostscriptAvailable } from "./ghostscript.ts";
import { renderPageWithMupdf } from "./mupdf-fallback.ts";
import { runPool } from "./pool.ts";
import { writePreviewPdf } from "./preview-pdf.ts";
import { writeProofImages } from "./proof-images.ts";
import { RenderError } from "./render-error.ts";
import { type LanePlan, planLanes, type RasterJob, runCost } from "./schedule.ts";
import { orderInks, PROCESS_INKS, rasterPages, round2 } from "./separations.ts";

export type RenderSettings = Settings["render"];
export type RenderEngine = "ghostscript" | "mupdf";

export interface PageRender {
  page: number;
  /** Absent when this page failed (see `warning`) or proofs were not asked for. */
  proof: string | null;
  thumbnail: string | null;
  /** Percent of `inkAreaPt` per separation: process inks, then the sheet's colorants, then any other. */
  inks: Record<string, number>;
  /** Sum of all separations, percent (can exceed 100). */
  inkTotal: number;
  inkAreaPt: Rect;
  /** True when made without overprint simulation and spot separations (MuPDF fallback). */
  inksApproximate: boolean;
  warning?: string;
  /** What this page lacks when its render failed: its inks are then not booked (never as 0). */
  missing?: ("proof" | "thumbnail" | "inks")[];
}

export interface RenderResult {
  previewPdf: string | null;
  pages: PageRender[];
  engine: RenderEngine;
  warnings: string[];
  timings: { cropMs: number; previewMs: number; pagesMs: number; totalMs: number };
  /** Peak bytes of scratch files seen at once (cropped copy, preview, rasters of running passes). */
  scratchPeakBytes: number;
}

export interface RenderInput {
  pdfPath: string;
  analysis: Analysis;
  settings: RenderSettings;
  outDir: string;
  signal?: AbortSignal;
  /** Where the cropped copy and rasters go (default os.tmpdir()); put it on the data volume for big files. */
  tmpDir?: string;
  /** Runs the MuPDF crop (default: in this process; the pipeline passes the isolated one). */
  crop?: Cropper;
  /**
   * Pages that get a proof and thumbnail: "all" (default) or "first" (what the journal row shows; the
   * other pages are then rendered only at inkDpi, for their ink coverage).
   */
  proofPages?: "all" | "first";
}

export type Cropper = (
  src: string,
  dest: string,
  rects: (Rect | null | undefined)[],
) => CropResult | Promise<CropResult>;

interface Job {
  pdfPath: string;
  analysis: Analysis;
  settings: RenderSettings;
  signal?: AbortSignal;
  tmpDir?: string;
  /** null: no preview, no proofs (ink coverage only). */
  outDir: string | null;
  crop?: Cropper;
  proofPages?: "all" | "first";
}

const APPROX_WARNING =
  "Ghostscript is not available: proofs and ink coverage were made with MuPDF without overprint simulation; " +
  "spot colours are counted in their CMYK equivalents. Install Ghostscript (apt-get install ghostscript).";

export const proofFileName = (page: number) => `proof-${page}.jpg`;
export const thumbnailFileName = (page: number) => `thumb-${page}.jpg`;
export const PREVIEW_FILE_NAME = "preview.pdf";

const since = (t: number) => Math.round(performance.now() - t);

async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    await copyFile(from, to);
    await rm(from, { force: true });
  }
}

/** Resolution of the one raster per page: enough for the proof's long side and for ink coverage. */
export function passDpi(box: Rect, settings: RenderSettings, withProof: boolean): number {
  const longPt = Math.max(box[2] - box[0], box[3] - box[1]);
  const proofDpi = withProof ? (settings.proofPx * 72) / longPt : 0;
  return Math.max(settings.inkDpi, proofDpi);
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function run(job: Job): Promise<RenderResult> {
  const t0 = performance.now();
  const { settings, signal } = job;
  const timeoutMs = settings.timeoutSec * 1000;
  if (job.tmpDir) await mkdir(job.tmpDir, { recursive: true });
  const tmp = await mkdtemp(path.join(job.tmpDir ?? os.tmpdir(), "pdfupload-render-"));
  const scratch = scratchMeter();
  try {
    const sheets = new Map<number, Sheet>(job.analysis.sheets.map((s) => [s.page, s]));
    const warnings: string[] = [];

    // Crop once; every later pass (and gs) reads only this file, named by us inside our temp dir.
    const cropped = path.join(tmp, "cropped.pdf");
    const tCrop = performance.now();
    const maxPage = Math.max(0, ...job.analysis.sheets.map((s) => s.page));
    const rects = Array.from({ length: maxPage }, (_, i) => sheets.get(i + 1)?.paperRectPt ?? null);
    const crop = await (job.crop ?? writeCroppedPdf)(job.pdfPath, cropped, rects);
    warnings.push(...crop.warnings);
    scratch.add(await sizeOf(cropped));
    const cropMs = since(tCrop);
    addStage("crop", cropMs);

    const engine: RenderEngine = (await ghostscriptAvailable()) ? "ghostscript" : "mupdf";
    if (engine === "mupdf") warnings.push(APPROX_WARNING);
    const withProofs = job.outDir !== null;
    if (job.outDir) await mkdir(job.outDir, { recursive: true });

    let previewPdf: string | null = null;
    let previewMs = 0;
    let previewError: unknown = null;
    const writePreview = async () => {
      const t = performance.now();
      const outDir = job.outDir as string;
      const target = path.join(outDir, PREVIEW_FILE_NAME);
      if (engine === "ghostscript") {
        const tmpOut = path.join(tmp, "preview.pdf");
        const problem = await writePreviewPdf({
          input: cropped,
          output: tmpOut,
          ppi: settings.previewPpi,
          timeoutMs,
          memoryMb: settings.memoryLimitMb,
          signal,
        });
        if (problem) warnings.push(`preview: Ghostscript reported: ${problem}`);
        const bytes = await sizeOf(tmpOut);
        scratch.add(bytes);
        await moveFile(tmpOut, target);
        scratch.add(-bytes);
      } else {
        await copyFile(cropped, target);
        warnings.push("preview: images were not downsampled (needs Ghostscript)");
      }
      previewPdf = target;
      previewMs = since(t);
    };
    const previewTask = async () => {
      try {
        await writePreview();
      } catch (e) {
        if ((e as RenderError).code === "render-aborted") throw e;
        previewError = e;
      }
    };

    // What each page needs: its box, inks to report, proof or not, and so its resolution and device.
    const sizes = { proofPx: settings.proofPx, thumbPx: settings.thumbPx };
    const plans: PagePlan[] = crop.boxes.map((box, index) => {
      const page = index + 1;
      const colorants = sheets.get(page)?.colorants ?? [];
      const rotated = crop.rotations[index] % 180 !== 0;
      const proofed = withProofs && (job.proofPages !== "first" || page === 1);
      const scan = crop.spots[index];
      const listsSpots = colorants.some((c) => !(PROCESS_INKS as readonly string[]).includes(c));
      return {
        page,
        box,
        colorants,
        aspect: rotated ? [box[3] - box[1], box[2] - box[0]] : [box[2] - box[0], box[3] - box[1]],
        dpi: passDpi(box, settings, proofed),
        spots: listsSpots || (scan?.names.length ?? 0) > 0 || (scan?.incomplete ?? true),
        proofPx: proofed ? settings.proofPx : 0,
        imagePx: scan?.imagePx ?? 0,
        proof: proofed && job.outDir ? path.join(job.outDir, proofFileName(page)) : null,
        thumbnail: proofed && job.outDir ? path.join(job.outDir, thumbnailFileName(page)) : null,
      };
    });
    const rendered = new Map<number, PageRender>();
    const failures = new Map<number, unknown>();

    const mupdfTask = (plan: PagePlan) => async () => {
      try {
        const r = await renderPageWithMupdf({
          pdf: cropped,
          page: plan.page,
          dpi: plan.dpi,
          timeoutMs,
          signal,
        });
        const measured = new Map<string, number>(PROCESS_INKS.map((n, i) => [n, r.coverage[i]]));
        const inks = orderInks(measured, plan.colorants);
        if (plan.proof && plan.thumbnail) {
          const input = { raw: { data: r.rgb, channels: 3 as const }, width: r.width, height: r.height };
          await timeStage("proof-jpeg", () =>
            writeProofImages(input, plan.aspect, sizes, {
              proof: plan.proof as string,
              thumbnail: plan.thumbnail as string,
            }),
          );
        }
        rendered.set(plan.page, pageResult(plan, inks, true));
      } catch (e) {
        if ((e as RenderError).code === "render-aborted") throw e;
        failures.set(plan.page, e);
      }
    };

    // Ghostscript: pages that share device and resolution render in one process (its start-up costs about
    // two pages); a page that fails is retried alone.
    const gsRun = async (group: PagePlan[]) => {
      const queue: PagePlan[][] = [group];
      for (let g = queue.shift(); g; g = queue.shift()) {
        const dir = await mkdtemp(path.join(tmp, "pages-"));
        let rasterBytes = 0;
        try {
          const r = await rasterPages({
            pdf: cropped,
            pages: g.map((p) => p.page),
            dpi: g[0].dpi,
            sizePt: [
              Math.max(...g.map((p) => p.box[2] - p.box[0])),
              Math.max(...g.map((p) => p.box[3] - p.box[1])),
            ],
            spots: g[0].spots,
            dir,
            timeoutMs,
            memoryMb: settings.memoryLimitMb,
            signal,
          });
          for (const pass of r.done) {
            const plan = g.find((p) => p.page === pass.page) as PagePlan;
            try {
              const inks = orderInks(pass.coverage, plan.colorants);
              if (plan.proof && plan.thumbnail) {
                const input = { file: pass.composite, width: pass.width, height: pass.height };
                // A heavy pass like Ghostscript's: it waits for a core as they do.
                await cpuSlots.run(
                  () =>
                    timeStage("proof-jpeg", () =>
                      writeProofImages(input, plan.aspect, sizes, {
                        proof: plan.proof as string,
                        thumbnail: plan.thumbnail as string,
                      }),
                    ),
                  signal,
                );
              }
              const result = pageResult(plan, inks, false);
              if (pass.problem)
                result.warning = `Ghostscript reported problems on this page: ${pass.problem}`;
              rendered.set(plan.page, result);
            } catch (e) {
              failures.set(plan.page, e);
            }
          }
          for (const f of r.failed) failures.set(f.page, f.error);
          for (const page of r.notStarted) queue.push(g.filter((p) => p.page === page));
          rasterBytes = await dirBytes(dir);
          scratch.add(rasterBytes);
        } catch (e) {
          if ((e as RenderError).code === "render-aborted") throw e;
          for (const p of g) failures.set(p.page, e);
        } finally {
          await rm(dir, { recursive: true, force: true }); // rasters are big: free disk as we go
          scratch.add(-rasterBytes);
        }
      }
    };

    const tPages = performance.now();
    if (engine === "mupdf") {
      const tasks = [...(withProofs ? [previewTask] : []), ...plans.map(mupdfTask)];
      const settled = await runPool(tasks, settings.concurrency, signal);
      for (const r of settled) if (r.status === "rejected") throw r.reason; // only cancellation gets here
    } else {
      await runLanes(planLanes(plans, settings.concurrency, withProofs), previewTask, gsRun, signal);
    }
    if (signal?.aborted) throw new RenderError("render-aborted", "rendering was cancelled");
    // A full disk is not the file's fault: the whole render is done again once there is room.
    const full = [previewError, ...failures.values()].find((e) => isDiskFull(e));
    if (full) throw full;

    if (previewError) {
      warnings.push(`preview: ${errText(previewError)}`);
      await rm(path.join(job.outDir as string, PREVIEW_FILE_NAME), { force: true });
    }
    const pages: PageRender[] = [];
    for (const plan of plans) {
      const ok = rendered.get(plan.page);
      if (ok) {
        pages.push(ok);
        continue;
      }
      if (job.outDir) {
        // A half-written proof must not pass for a good one.
        await rm(path.join(job.outDir, proofFileName(plan.page)), { force: true });
        await rm(path.join(job.outDir, thumbnailFileName(plan.page)), { force: true });
      }
      const missing: PageRender["missing"] = plan.proof ? ["proof", "thumbnail", "inks"] : ["inks"];
      pages.push({
        ...pageResult(plan, {}, engine === "mupdf"),
        proof: null,
        thumbnail: null,
        missing,
        warning: `not rendered (no ${missing.join(", ")}): ${errText(failures.get(plan.page) ?? "unknown failure")}`,
      });
    }
    for (const p of pages) if (p.warning) warnings.push(`page ${p.page}: ${p.warning}`);
    return {
      previewPdf,
      pages,
      engine,
      warnings,
      timings: { cropMs, previewMs, pagesMs: since(tPages), totalMs: since(t0) },
      scratchPeakBytes: scratch.peak,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const sizeOf = (file: string) =>
  stat(file).then(
    (s) => s.size,
    () => 0,
  );

async function dirBytes(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let sum = 0;
  for (const n of names) sum += await sizeOf(path.join(dir, n));
  return sum;
}

/** Scratch bytes held at once, counted as files are made and removed (the measured figure). */
function scratchMeter() {
  let now = 0;
  const m = {
    peak: 0,
    add(bytes: number) {
      now += bytes;
      m.peak = Math.max(m.peak, now);
    },
  };
  return m;
}

const total = (inks: Record<string, number>) => round2(Object.values(inks).reduce((a, b) => a + b, 0));

interface PagePlan extends RasterJob {
  colorants: string[];
  /** Width : height of the page as shown (after /Rotate). */
  aspect: [number, number];
  proof: string | null;
  thumbnail: string | null;
}

function pageResult(plan: PagePlan, inks: Record<string, number>, approximate: boolean): PageRender {
  return {
    page: plan.page,
    proof: plan.proof,
    thumbnail: plan.thumbnail,
    inks,
    inkTotal: total(inks),
    inkAreaPt: plan.box,
    inksApproximate: approximate,
  };
}

/**
 * Runs each lane's work in turn (lane 0 starts with the preview); a lane that runs out steals a process
 * not yet started from the lane with the most estimated work left, so a wrong estimate costs little.
 */
async function runLanes<T extends RasterJob>(
  lanes: LanePlan<T>[],
  preview: () => Promise<void>,
  run: (pages: T[]) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const queues = lanes.map((l) => [...l.runs]);
  const left = (q: T[][]) => q.reduce((s, r) => s + runCost(r), 0);
  const lane = async (i: number) => {
    if (lanes[i].preview) await preview();
    for (;;) {
      if (signal?.aborted) return;
      let next = queues[i].shift();
      if (!next) {
        const victim = queues
          .filter((q) => q.length > 0)
          .reduce<T[][] | null>((a, q) => (!a || left(q) > left(a) ? q : a), null);
        next = victim?.pop();
      }
      if (!next) return;
      await run(next);
    }
  };
  const settled = await Promise.allSettled(lanes.map((_, i) => lane(i)));
  for (const r of settled) if (r.status === "rejected") throw r.reason; // only cancellation gets here
}

/** Preview PDF, proof and thumbnail per page, ink coverage per page and separation. */
export function renderSheets(input: RenderInput): Promise<RenderResult> {
  return run({ ...input });
}

/** The analysis with each sheet's `inks`, `inkAreaPt` and `inksApproximate` filled from a render. */
export function withInks(analysis: Analysis, result: Pick<RenderResult, "pages" | "warnings">): Analysis {
  const byPage = new Map(result.pages.map((p) => [p.page, p]));
  return {
    ...analysis,
    warnings: [...analysis.warnings, ...result.warnings],
    sheets: analysis.sheets.map((s) => {
      const p = byPage.get(s.page);
      if (!p || p.missing?.includes("inks")) return s;
      return {
        ...s,
        inks: p.inks,
        inkTotal: p.inkTotal,
        inkAreaPt: p.inkAreaPt,
        inksApproximate: p.inksApproximate,
      };
    }),
  };
}

/** Ink coverage only (for `pdfupload analyze --json --inks`): one tiffsep pass per page at `inkDpi`. */
export async function measureInks(
  pdfPath: string,
  analysis: Analysis,
  settings: RenderSettings,
  opts: { signal?: AbortSignal; tmpDir?: string; crop?: Cropper } = {},
): Promise<Analysis> {
  const result = await run({ pdfPath, analysis, settings, outDir: null, ...opts });
  return withInks(analysis, result);
}

/**
 * `pdfupload render FILE --out DIR`: writes preview.pdf, proof-N.jpg, thumb-N.jpg and analysis.json
 * (the analysis with inks) into `outDir`; returns the render result plus the analysis file's path.
 */
export async function renderToDir(
  pdfPath: string,
  analysis: Analysis,
  settings: RenderSettings,
  outDir: string,
  opts: { signal?: AbortSignal; tmpDir?: string; crop?: Cropper; proofPages?: "all" | "first" } = {},
): Promise<RenderResult & { analysisJson: string }> {
  const result = await renderSheets({ pdfPath, analysis, settings, outDir, ...opts });
  const analysisJson = path.join(outDir, "analysis.json");
  await writeFile(analysisJson, `${JSON.stringify(withInks(analysis, result), null, 2)}\n`);
  return { ...result, analysisJson };
}
