// The heavy passes of every job in this process (Ghostscript runs, proof encoding) share the cores:
// at most one per core runs at once, the others wait their turn. Several jobs each running their own
// lanes would otherwise put two passes on one core, each twice as slow, with twice the memory held and
// their time limits running while they only wait. The wait is booked as the job's `cpu-wait` stage.
import os from "node:os";
import { currentStages } from "../../stages.ts";
import { RenderError } from "./render-error.ts";

export class CpuSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    this.free = Math.max(1, size);
  }

  /** Resolves with the release function once a slot is free; rejects if `signal` aborts meanwhile. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    const t = performance.now();
    // Captured now: the slot is handed over from another job's context.
    const stages = currentStages();
    const granted = () => {
      stages?.add("cpu-wait", performance.now() - t);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const next = this.waiting.shift();
        if (next) next();
        else this.free++;
      };
    };
    if (signal?.aborted) return Promise.reject(new RenderError("render-aborted", "rendering was cancelled"));
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(granted());
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiting.indexOf(go);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new RenderError("render-aborted", "rendering was cancelled"));
      };
      const go = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve(granted());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(go);
    });
  }

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** One slot per core (`PDFUPLOAD_RENDER_SLOTS` overrides it). */
export const cpuSlots = new CpuSlots(
  Math.max(1, Number(process.env.PDFUPLOAD_RENDER_SLOTS) || os.availableParallelism()),
);
