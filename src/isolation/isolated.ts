// The analysis engine and the MuPDF part of rendering, run in the PDF pool under the configured
// limits. Like `analyzeFile`, `analyzeIsolated` never throws for a bad file: a broken limit or a
// crash comes back as `error: { code, message }`.
import { basename } from "node:path";
import type { AnalyzeOptions } from "../analysis/analyze.ts";
import type { Analysis, AnalysisError } from "../analysis/types.ts";
import type { Settings } from "../config/settings-schema.ts";
import { bureauFromFileName, orderFromFileName } from "../pipeline/steps/identify/index.ts";
import { analysisError } from "../pipeline/steps/inspect/errors.ts";
import type { CropResult, Rect } from "../pipeline/steps/render/crop-pdf.ts";
import { RenderError } from "../pipeline/steps/render/render-error.ts";
import { IsolationError, type PdfPool, sharedPool, TaskError } from "./pdf-pool.ts";

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
  const bureaus = opts.settings.bureaus.map((b) => b.name);
  const fromName = bureauFromFileName(fileName, bureaus);
  const bureau = fromName ?? (opts.defaultBureau?.trim() || null);
  const { order, orderName } = orderFromFileName(fileName, bureaus);
  return {
    file: fileName,
    isPdf: /\.pdf$/i.test(fileName),
    creator: null,
    isSigna: false,
    pages: 0,
    plates: 0,
    platesBy: null,
    bureau,
    bureauBy: fromName ? "file-name" : bureau ? "hot-folder" : null,
    order,
    orderName,
    sheets: [],
    warnings: [],
    error,
  };
}

/**
 * A crash is tried once more in a fresh child: MuPDF's heap can be left damaged by an earlier file,
 * and the file that then meets it must not be blamed. A second crash is the file's own.
 */
async function runOnceMore<T>(task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (e) {
    if (e instanceof IsolationError && e.code === "crashed") return task();
    throw e;
  }
}

/** `analyzeFile` in a child process with the settings' time and memory limits. */
export async function analyzeIsolated(
  path: string,
  opts: AnalyzeOptions & { pool?: PdfPool; signal?: AbortSignal; limits?: IsolationLimits },
): Promise<Analysis> {
  const { pool: given, signal, limits: given2, ...options } = opts;
  const pool = given ?? sharedPool(options.settings.analysis.workers);
  const limits = given2 ?? limitsOf(options.settings);
  const fileName = options.fileName ?? basename(path);
  try {
    return await runOnceMore(() =>
      pool.run<Analysis>({ kind: "analyze", path, options: { ...options, fileName } }, { ...limits, signal }),
    );
  } catch (e) {
    if (e instanceof IsolationError && e.code !== "aborted")
      return rejectedAnalysis(fileName, isolationAnalysisError(e), options);
    // Cancelled, or the worker could not be started at all: a fault, not the file's.
    throw e;
  }
}

/** Thrown by `cropIsolated` when the file broke a limit while being cropped. */
export class CropLimitError extends Error {
  constructor(readonly error: AnalysisError) {
    super(error.message);
    this.name = "CropLimitError";
  }
}

/** `writeCroppedPdf` in a child process: limits as `CropLimitError`, MuPDF failures as `RenderError`. */
export async function cropIsolated(
  src: string,
  dest: string,
  rects: (Rect | null | undefined)[],
  opts: { pool: PdfPool; limits: IsolationLimits; signal?: AbortSignal },
): Promise<CropResult> {
  try {
    return await runOnceMore(() =>
      opts.pool.run<CropResult>({ kind: "crop", src, dest, rects }, { ...opts.limits, signal: opts.signal }),
    );
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
