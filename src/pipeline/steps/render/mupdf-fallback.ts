// Runs the MuPDF.js fallback renderer in a worker thread with the same time limit and cancellation
// as a Ghostscript run.
import { Worker } from "node:worker_threads";
import { RenderError } from "./render-error.ts";

export interface MupdfPage {
  width: number;
  height: number;
  rgb: Uint8Array;
  /** Cyan, Magenta, Yellow, Black coverage in percent (spots folded into CMYK by MuPDF). */
  coverage: [number, number, number, number];
  /** The strongest ink of one pixel per process ink, percent. */
  peak: [number, number, number, number];
}

const WORKER = new URL("./mupdf-render.worker.mjs", import.meta.url);

export function renderPageWithMupdf(opts: {
  pdf: string;
  page: number;
  dpi: number;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<MupdfPage> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new RenderError("render-aborted", "rendering was cancelled"));
      return;
    }
    const worker = new Worker(WORKER, { workerData: { pdf: opts.pdf, page: opts.page, dpi: opts.dpi } });
    let settled = false;
    const finish = (err: Error | null, value?: MupdfPage) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      void worker.terminate();
      if (err) reject(err);
      else resolve(value as MupdfPage);
    };
    const timer = setTimeout(
      () =>
        finish(
          new RenderError(
            "render-timeout",
            `MuPDF ran past ${Math.round(opts.timeoutMs / 1000)} s and was stopped`,
          ),
        ),
      opts.timeoutMs,
    );
    const onAbort = () => finish(new RenderError("render-aborted", "rendering was cancelled"));
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    worker.once("message", (m: { ok: boolean; error?: string } & MupdfPage) => {
      if (m.ok)
        finish(null, { width: m.width, height: m.height, rgb: m.rgb, coverage: m.coverage, peak: m.peak });
      else finish(new RenderError("mupdf-failed", `MuPDF could not render page ${opts.page}: ${m.error}`));
    });
    worker.once("error", (e) => finish(new RenderError("mupdf-failed", `MuPDF worker failed: ${e.message}`)));
    worker.once("exit", (code) => finish(new RenderError("mupdf-failed", `MuPDF worker exited (${code})`)));
  });
}
