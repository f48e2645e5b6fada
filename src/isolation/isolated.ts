// The analysis engine and the MuPDF part of rendering, run in the PDF pool under the configured
// limits. Like `analyzeFile`, `analyzeIsolated` never throws for a bad file: a broken limit or a
// crash comes back as `error: { code, message }`.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { AnalyzeOptions } from "../analysis/analyze.ts";
import type { Analysis, AnalysisError } from "../analysis/types.ts";
import type { Settings } from "../config/settings-schema.ts";
import { fileNameFacts } from "../pipeline/steps/identify/index.ts";
import { analysisError, lostData } from "../pipeline/steps/inspect/errors.ts";
import { sniffFile } from "../pipeline/steps/inspect/sniff.ts";
import type { CropResult, Rect } from "../pipeline/steps/render/crop-pdf.ts";
import { RenderError } from "../pipeline/steps/render/render-error.ts";
import { note } from "../util/note.ts";
import { IsolationError, type PdfPool, sharedPool, TaskError } from "./pdf-pool.ts";
import type { ChildTask } from "./protocol.ts";
import { readerStats } from "./reader-stats.ts";
import { ghostscriptDraws, rewritePdf } from "./repair-copy.ts";

export interface IsolationLimits {
  timeLimitMs: number;
  memoryLimitMb: number;
}

export const limitsOf = (s: Settings): IsolationLimits => ({
  timeLimitMs: s.analysis.timeLimitSec * 1000,
  memoryLimitMb: s.analysis.memoryLimitMb,
});

/** The operator's words for a broken limit, with the same advice as the engine's own rejections. */
export function isolationAnalysisError(e: IsolationError): AnalysisError {
  if (e.code === "too-complex" || e.code === "too-large") return analysisError(e.code, e.message);
  return analysisError("damaged", e.message);
}

/** A rejected analysis built without reading the file (the reader was stopped). */
export function rejectedAnalysis(fileName: string, error: AnalysisError, opts: AnalyzeOptions): Analysis {
  return {
    file: fileName,
    isPdf: /\.pdf$/i.test(fileName.trim()),
    creator: null,
    isSigna: false,
    pages: 0,
    plates: 0,
    platesBy: null,
    ...fileNameFacts(fileName, opts.settings.bureaus, opts.defaultBureau),
    sheets: [],
    warnings: [],
    error,
  };
}

type Reading = { analysis: Analysis | null; fault: string | null };

/** One reading in the pool; a crash is a reading with a fault and no analysis. */
async function readOnce(
  pool: PdfPool,
  task: ChildTask,
  limits: IsolationLimits & { signal?: AbortSignal },
  fresh: boolean,
): Promise<Reading> {
  try {
    const r = await pool.runReport<Analysis>(task, { ...limits, fresh });
    return { analysis: r.value, fault: r.poisoned };
  } catch (e) {
    if (e instanceof IsolationError && e.code === "crashed") return { analysis: null, fault: e.message };
    throw e;
  }
}

/** A reading that cannot be trusted or that refuses the file as damaged. */
const doubtful = (r: Reading) =>
  r.fault !== null ||
  !r.analysis ||
  r.analysis.error?.code === "damaged" ||
  r.analysis.error?.code === "reader-crash";

/** The reading's analysis, or a reader-crash refusal when MuPDF faulted on it. */
function verdict(r: Reading, fileName: string, opts: AnalyzeOptions): Analysis {
  if (r.analysis && !r.fault) return r.analysis;
  const trapped = r.fault ?? r.analysis?.error?.message ?? "unknown";
  const error = analysisError(
    "reader-crash",
    note(
      "reason.reader-crashed-twice",
      `The PDF reader (MuPDF) failed on this file twice, also in a fresh process (${trapped}).`,
      { detail: trapped },
    ),
  );
  if (!r.analysis) return rejectedAnalysis(fileName, error, opts);
  if (r.analysis.error?.code === "reader-crash") return r.analysis;
  return { ...r.analysis, plates: 0, sheets: [], error };
}

export interface IsolatedOptions extends AnalyzeOptions {
  pool?: PdfPool;
  signal?: AbortSignal;
  limits?: IsolationLimits;
  /**
   * Where a repaired copy of the file may be kept for the render step (the job's work folder). Without
   * it a repaired copy is read and removed, and the analysis records none.
   */
  repairDir?: string;
}

/**
 * `analyzeFile` in a child process with the settings' time and memory limits. A reading that refuses
 * the file as damaged, or meets a fault in MuPDF, is done once more in a fresh child (a child whose
 * heap an earlier file damaged must not refuse the next one); a second refusal gets a second opinion
 * from a copy rewritten by qpdf, then Ghostscript, before it counts.
 */
export async function analyzeIsolated(path: string, opts: IsolatedOptions): Promise<Analysis> {
  const { pool: given, signal, limits: given2, repairDir, ...options } = opts;
  const pool = given ?? sharedPool(options.settings.analysis.workers);
  const limits = { ...(given2 ?? limitsOf(options.settings)), signal };
  const fileName = options.fileName ?? basename(path);
  const task = (p: string): ChildTask => ({ kind: "analyze", path: p, options: { ...options, fileName } });
  try {
    const first = await readOnce(pool, task(path), limits, false);
    // A page tree MuPDF finds no page in, in a whole PDF: Ghostscript may still find and draw them.
    if (first.analysis?.error?.code === "empty" && first.analysis.error.message.includes("no pages"))
      return (await secondOpinion(path, first, { pool, task, limits, repairDir })) ?? first.analysis;
    if (!doubtful(first)) return first.analysis as Analysis;
    readerStats.rereads++;
    const second = await readOnce(pool, task(path), limits, true);
    if (!doubtful(second)) return second.analysis as Analysis;
    return (
      (await secondOpinion(path, second, { pool, task, limits, repairDir })) ??
      verdict(second, fileName, options)
    );
  } catch (e) {
    if (e instanceof IsolationError && e.code !== "aborted")
      return rejectedAnalysis(fileName, isolationAnalysisError(e), options);
    // Cancelled, or the worker could not be started at all: a fault, not the file's.
    throw e;
  }
}

/**
 * The file read from a copy qpdf (then Ghostscript) rewrote, with a warning saying so, or null when
 * no copy reads either. Files cut short (an unfinished copy) and non-PDFs are never repaired.
 */
async function secondOpinion(
  path: string,
  failed: Reading,
  o: {
    pool: PdfPool;
    task: (p: string) => ChildTask;
    limits: IsolationLimits & { signal?: AbortSignal };
    repairDir?: string;
  },
): Promise<Analysis | null> {
  let sniff: ReturnType<typeof sniffFile>;
  try {
    sniff = sniffFile(path);
  } catch {
    return null;
  }
  if (!sniff.hasPdfHeader || !sniff.hasEof) return null;
  let pages = failed.analysis?.pages ?? 0;
  // What MuPDF's repair lost (or a page tree it found no page in) a rewrite could paper over: a blank
  // page, fewer plates. Only when the RIP's reading draws every page is the file what the bureau will
  // print, and the copy must have that many pages.
  const lost = lostData(failed.analysis?.error) || failed.analysis?.error?.code === "empty";
  if (lost) {
    const drawn = await ghostscriptDraws(path, { timeoutMs: o.limits.timeLimitMs, signal: o.limits.signal });
    if (drawn === null || (pages > 0 && drawn !== pages)) return null;
    pages = drawn;
  }
  const keep = o.repairDir !== undefined;
  const dir = keep
    ? join(o.repairDir as string, "repaired")
    : mkdtempSync(join(tmpdir(), "pdfupload-repair-"));
  mkdirSync(dir, { recursive: true });
  const why = failed.fault ?? failed.analysis?.error?.message.replace(/ Export the sheet.*$/, "") ?? "";
  try {
    for (const by of ["qpdf", "ghostscript"] as const) {
      if (o.limits.signal?.aborted) return null;
      const copy = await rewritePdf(path, join(dir, `${by}.pdf`), by, {
        timeoutMs: o.limits.timeLimitMs,
        signal: o.limits.signal,
      });
      if (!copy) continue;
      readerStats.repairs++;
      const r = await readOnce(o.pool, o.task(copy.path), o.limits, false);
      if (doubtful(r) || !r.analysis || r.analysis.error) {
        rmSync(copy.path, { force: true });
        // A limit the copy breaks is the file's answer, as it would be for the original.
        const limit = r.analysis?.error?.code;
        if (limit === "too-complex" || limit === "too-large") return r.analysis;
        continue;
      }
      if (pages > 0 && r.analysis.pages !== pages) {
        // The copy lost or invented pages: its figures are not the original's.
        rmSync(copy.path, { force: true });
        continue;
      }
      readerStats.repairedReads++;
      const tool = by === "qpdf" ? "qpdf" : "Ghostscript";
      const signaLost =
        by === "ghostscript" && failed.analysis?.isSigna !== false && !r.analysis.isSigna
          ? " Signa's private data (marks, colorant lists) does not survive that rewrite, so the plates could not be counted: check them."
          : "";
      const rip = lost
        ? ` Ghostscript, as the bureau's RIP reads it, draws all ${pages} page(s); compare the proofs with the job before the plates are made.`
        : "";
      const a: Analysis = {
        ...r.analysis,
        warnings: [
          note(
            signaLost ? "pdf.read-from-copy-lost" : "pdf.read-from-copy",
            `MuPDF could not read the file (${why.trim().replace(/\.$/, "")}); it was read from a copy ${tool} rewrote${copy.notes ? ` (${tool}: ${copy.notes})` : ""}. The original is delivered unchanged; proofs come from the rewritten copy.${rip}${signaLost}`,
            { detail: why.trim().replace(/\.$/, ""), tool, notes: copy.notes ?? "", drawn: lost ? pages : 0 },
          ),
          ...r.analysis.warnings,
        ],
      };
      if (keep) a.repairedCopy = { path: copy.path, by };
      else rmSync(copy.path, { force: true });
      return a;
    }
    return null;
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** Thrown by `cropIsolated` when the file broke a limit while being cropped. */
export class CropLimitError extends Error {
  constructor(readonly error: AnalysisError) {
    super(error.message);
    this.name = "CropLimitError";
  }
}

/**
 * `writeCroppedPdf` in a child process: limits as `CropLimitError`, MuPDF failures as `RenderError`. A
 * crop that crashed its child or met a fault in MuPDF is done once more in a fresh child; a second
 * fault is a `RenderError` (the crop is not trusted), never a crop from a damaged heap.
 */
export async function cropIsolated(
  src: string,
  dest: string,
  rects: (Rect | null | undefined)[],
  opts: { pool: PdfPool; limits: IsolationLimits; signal?: AbortSignal },
): Promise<CropResult> {
  const once = async (fresh: boolean) => {
    try {
      const r = await opts.pool.runReport<CropResult>(
        { kind: "crop", src, dest, rects },
        { ...opts.limits, signal: opts.signal, fresh },
      );
      return r.poisoned ? { fault: r.poisoned } : { value: r.value };
    } catch (e) {
      if (e instanceof TaskError && e.poisoned) return { fault: e.poisoned };
      if (e instanceof IsolationError && e.code === "crashed") return { fault: e.message };
      throw e;
    }
  };
  try {
    let r = await once(false);
    if ("fault" in r) r = await once(true);
    if ("fault" in r) throw new RenderError("crop-failed", `MuPDF failed while cropping (${r.fault})`);
    return r.value as CropResult;
  } catch (e) {
    if (e instanceof TaskError) {
      const code = e.remoteName === "RenderError" && e.code ? e.code : "crop-failed";
      throw new RenderError(code as RenderError["code"], e.message);
    }
    if (e instanceof IsolationError && e.code !== "aborted")
      throw new CropLimitError(isolationAnalysisError(e));
    throw e;
  }
}
