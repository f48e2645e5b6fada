// The render step's engine: crop every page to its paper once, then in parallel (child processes or a
// worker thread, never the event loop) make the preview PDF and, per page, ONE raster pass that gives
// the proof, the thumbnail and the ink coverage of every separation. schedule.ts decides which lane
// runs what, in as few Ghostscript processes as the lanes allow.
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Analysis, Sheet } from "../../../analysis/types.ts";
import type { InkZoneSettings, Settings } from "../../../config/settings-schema.ts";
import { diskFullOr, isDiskFull } from "../../../files/disk-space.ts";
import type { SeparationRaster } from "../../../ppf/separation-raster.ts";
import { sheetPreset } from "../../../ppf/sheet-preset.ts";
import { type Note, note, noteList } from "../../../util/note.ts";
import { addStage, timeStage } from "../../stages.ts";
import { cpuSlots } from "./cpu-slots.ts";
import { type CropResult, type Rect, writeCroppedPdf } from "./crop-pdf.ts";
import { ghostscriptAvailable } from "./ghostscript.ts";
import { renderPageWithMupdf } from "./mupdf-fallback.ts";
import { inkedSeparations, plateWarnings, withPlates } from "./plates.ts";
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
  /** Separations that carry ink on the paper area (see plates.ts); absent when not measured. */
  separations?: string[];
  warning?: Note;
  /** What this page lacks when its render failed: its inks are then not booked (never as 0). */
  missing?: ("proof" | "thumbnail" | "inks")[];
  /** Ink-zone coverage (the sheet's press has ink zones on and Ghostscript rendered it). */
  inkZones?: Sheet["inkZones"];
  /** The CIP3 PPF file written beside the proofs. */
  ppf?: string | null;
}

export interface RenderResult {
  previewPdf: string | null;
  /** Why the preview PDF was not made (null when it was, or was not asked for). */
  previewError: string | null;
  pages: PageRender[];
  engine: RenderEngine;
  warnings: Note[];
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
  /** The ink zones of a sheet's press (null: none); with them the pass gathers zone rasters. */
  inkZones?: InkZonesOf;
  /** CIP3AdmJobName of the PPF files (default: the PDF's name without extension). */
  jobName?: string;
  /** Which side a sheet is, for its PPF (default: front). */
  sideOf?: (sheet: Sheet | undefined) => "front" | "back";
}

export type InkZonesOf = (sheet: Sheet | undefined) => InkZoneSettings | null | undefined;

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
  inkZones?: InkZonesOf;
  jobName?: string;
  sideOf?: (sheet: Sheet | undefined) => "front" | "back";
}

const APPROX_WARNING = note(
  "render.no-ghostscript",
  "Ghostscript is not available: proofs and ink coverage were made with MuPDF without overprint simulation; " +
    "spot colours are counted in their CMYK equivalents. Install Ghostscript (apt-get install ghostscript).",
);

export const proofFileName = (page: number) => `proof-${page}.jpg`;
export const thumbnailFileName = (page: number) => `thumb-${page}.jpg`;
export const PREVIEW_FILE_NAME = "preview.pdf";
export const ppfFileName = (page: number) => `sheet-${page}.ppf`;

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
    const warnings: Note[] = [];

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
        if (problem)
          warnings.push(
            note("preview.gs-problem", `preview: Ghostscript reported: ${problem}`, { detail: problem }),
          );
        const bytes = await sizeOf(tmpOut);
        scratch.add(bytes);
        await moveFile(tmpOut, target);
        scratch.add(-bytes);
      } else {
        await copyFile(cropped, target);
        warnings.push(
          note("preview.not-downsampled", "preview: images were not downsampled (needs Ghostscript)"),
        );
      }
      previewPdf = target;
      previewMs = since(t);
    };
    const previewTask = async () => {
      try {
        await writePreview();
      } catch (e) {
        if ((e as RenderError).code === "render-aborted") throw e;
        previewError = await diskFullOr(e, [tmp, job.outDir]);
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
        zones: sheets.get(page) ? (job.inkZones?.(sheets.get(page)) ?? null) : null,
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
        // No per-pixel peaks here: coverage alone decides (spots are folded into CMYK anyway).
        const separations = inkedSeparations(measured, new Map(), plan.colorants);
        rendered.set(plan.page, { ...pageResult(plan, inks, true), separations });
      } catch (e) {
        if ((e as RenderError).code === "render-aborted") throw e;
        failures.set(plan.page, await diskFullOr(e, [tmp, job.outDir]));
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
            rasters: g.some((p) => p.zones?.enabled),
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
              const result = {
                ...pageResult(plan, inks, false),
                separations: inkedSeparations(pass.coverage, pass.peak, plan.colorants),
              };
              if (pass.problem)
                result.warning = note(
                  "render.gs-page-problem",
                  `Ghostscript reported problems on this page: ${pass.problem}`,
                  { detail: pass.problem },
                );
              if (plan.zones?.enabled && pass.rasters)
                await addPreset(
                  plan,
                  pass.rasters,
                  result,
                  /More spot colours than/.test(pass.problem ?? ""),
                );
              rendered.set(plan.page, result);
            } catch (e) {
              failures.set(plan.page, await diskFullOr(e, [dir, job.outDir]));
            }
          }
          for (const f of r.failed) failures.set(f.page, f.error);
          for (const page of r.notStarted) queue.push(g.filter((p) => p.page === page));
          rasterBytes = await dirBytes(dir);
          scratch.add(rasterBytes);
        } catch (e) {
          if ((e as RenderError).code === "render-aborted") throw e;
          const why = await diskFullOr(e, [dir, job.outDir]);
          for (const p of g) failures.set(p.page, why);
        } finally {
          await rm(dir, { recursive: true, force: true }); // rasters are big: free disk as we go
          scratch.add(-rasterBytes);
        }
      }
    };

    // Ink zones and the PPF are extras: a failure is the page's warning, its inks stay booked.
    const jobName = job.jobName ?? path.basename(job.pdfPath).replace(/\.pdf$/i, "");
    const addPreset = async (
      plan: PagePlan,
      rasters: Map<string, SeparationRaster>,
      result: PageRender,
      spotsFolded: boolean,
    ): Promise<void> => {
      try {
        const preset = sheetPreset({
          page: plan.page,
          colorants: plan.colorants,
          rasters,
          sheet: sheets.get(plan.page),
          zones: plan.zones as InkZoneSettings,
          jobName,
          side: job.sideOf?.(sheets.get(plan.page)) ?? "front",
          spotsFolded,
        });
        if (!preset) return;
        result.inkZones = preset.inkZones;
        if (job.outDir) {
          result.ppf = path.join(job.outDir, ppfFileName(plan.page));
          await writeFile(result.ppf, preset.ppf);
        }
      } catch (e) {
        if (isDiskFull(e)) throw e;
        result.ppf = null;
        const why = note("render.ppf-failed", `ink zones / PPF: ${errText(e)}`, { detail: errText(e) });
        result.warning = result.warning ? noteList([result.warning, why]) : why;
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
      warnings.push(
        note("preview.failed", `preview: ${errText(previewError)}`, { detail: errText(previewError) }),
      );
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
        warning: note(
          "render.page-failed",
          `not rendered (no ${missing.join(", ")}): ${errText(failures.get(plan.page) ?? "unknown failure")}`,
          { missing: missing.join(", "), detail: errText(failures.get(plan.page) ?? "unknown failure") },
        ),
      });
    }
    // A press with ink zones on that gets no zones or PPF for a rendered sheet is told why, never
    // left to guess (the MuPDF fallback has no separations to measure them from).
    for (const p of pages) {
      const plan = plans.find((x) => x.page === p.page);
      if (!plan?.zones?.enabled || p.inkZones || p.missing?.includes("inks")) continue;
      const why =
        engine === "mupdf"
          ? note("render.zones-need-gs", "ink zones and the CIP3 PPF need Ghostscript's separations")
          : note("render.zones-unmeasured", "no separation was measured for ink zones");
      if (!p.warning) p.warning = why;
      else if (!p.warning.text.includes("ink zones")) p.warning = noteList([p.warning, why]);
    }
    for (const p of pages)
      if (p.warning)
        warnings.push(
          note("on-page", `page ${p.page}: ${p.warning.text}`, { page: p.page, what: p.warning }),
        );
    return {
      previewPdf,
      previewError: previewError ? errText(previewError) : null,
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
  zones: InkZoneSettings | null;
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

/**
 * The analysis with each sheet's `inks`, `inkAreaPt`, `inksApproximate` and inked `separations` filled
 * from a render, then its plates judged (blank and missing plates; the count of a non-Signa file).
 * Figures of an earlier render are dropped first: a sheet not measured now has none (never stale).
 */
export function withInks(analysis: Analysis, result: Pick<RenderResult, "pages" | "warnings">): Analysis {
  const byPage = new Map(result.pages.map((p) => [p.page, p]));
  const inked: Analysis = {
    ...analysis,
    // A re-render repeats its warnings: each is said once.
    warnings: [...new Set([...analysis.warnings, ...result.warnings])],
    sheets: analysis.sheets.map((sheet) => {
      const {
        inks: _i,
        inkTotal: _t,
        inkAreaPt: _a,
        inksApproximate: _x,
        separations: _s,
        blankPlates: _b,
        missingPlates: _m,
        ...s
      } = sheet;
      const p = byPage.get(s.page);
      if (!p || p.missing?.includes("inks")) return s;
      return {
        ...s,
        inks: p.inks,
        inkTotal: p.inkTotal,
        inkAreaPt: p.inkAreaPt,
        inksApproximate: p.inksApproximate,
        ...(p.separations ? { separations: p.separations } : {}),
        ...(p.inkZones ? { inkZones: p.inkZones } : {}),
      };
    }),
  };
  const judged = withPlates(inked);
  return { ...judged, warnings: [...new Set([...judged.warnings, ...plateWarnings(judged)])] };
}

/** Ink coverage only (for `pdfupload analyze --json --inks`): one tiffsep pass per page at `inkDpi`. */
export async function measureInks(
  pdfPath: string,
  analysis: Analysis,
  settings: RenderSettings,
  opts: {
    signal?: AbortSignal;
    tmpDir?: string;
    crop?: Cropper;
    inkZones?: InkZonesOf;
    sideOf?: (sheet: Sheet | undefined) => "front" | "back";
  } = {},
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
  opts: {
    signal?: AbortSignal;
    tmpDir?: string;
    crop?: Cropper;
    proofPages?: "all" | "first";
    inkZones?: InkZonesOf;
    sideOf?: (sheet: Sheet | undefined) => "front" | "back";
  } = {},
): Promise<RenderResult & { analysisJson: string }> {
  const result = await renderSheets({ pdfPath, analysis, settings, outDir, ...opts });
  const analysisJson = path.join(outDir, "analysis.json");
  await writeFile(analysisJson, `${JSON.stringify(withInks(analysis, result), null, 2)}\n`);
  return { ...result, analysisJson };
}
