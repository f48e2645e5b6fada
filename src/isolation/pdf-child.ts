// The child process that does PDF work for the pool (src/isolation/pdf-pool.ts): one task at a time,
// over the IPC channel. A hostile file can only hang, bloat, crash or poison this process (a fault
// inside MuPDF's WASM heap); the pool kills it and starts another.
import * as mupdf from "mupdf";
import { analyzeFile } from "../analysis/analyze.ts";
import { noteReaderFault, takeReaderFault } from "../pipeline/steps/inspect/reader-fault.ts";
import { writeCroppedPdf } from "../pipeline/steps/render/crop-pdf.ts";
import type { ChildReply, ChildTask } from "./protocol.ts";
import { readerCanary } from "./reader-canary.ts";

// Colour management off: this process reads objects, text, boxes and painted areas and writes crops,
// and never converts a colour for output (proofs are Ghostscript's, the MuPDF fallback renders in its own
// worker). Building lcms colour links made a fresh child's first file take 78 ms instead of 23, and
// every later one 9 instead of 4.5; the isolation tests check the answers equal the in-process reader's.
mupdf.disableICC();

async function perform(task: ChildTask): Promise<unknown> {
  switch (task.kind) {
    case "analyze":
      return analyzeFile(task.path, task.options);
    case "crop":
      return writeCroppedPdf(task.src, task.dest, task.rects);
    case "selftest": {
      // Only when the pool was started with selfTest (tests of the limits themselves).
      if (process.env.PDFUPLOAD_ISOLATION_SELFTEST !== "1") throw new Error("self-test tasks are disabled");
      if (task.action === "spin") for (;;);
      if (task.action === "crash") process.abort();
      if (task.action === "poison") {
        // A fault caught and swallowed, as the analysis does with a mark it cannot read.
        noteReaderFault(new WebAssembly.RuntimeError("memory access out of bounds"));
        return "swallowed";
      }
      if (task.action === "wasm-hog") {
        // MuPDF's WASM heap lives outside V8's: only the pool's RSS watchdog bounds it.
        const mupdf = await import("mupdf");
        const keep: unknown[] = [];
        for (let i = 0; i < (task.mb ?? 1024) / 64; i++) {
          const pix = new mupdf.Pixmap(mupdf.ColorSpace.DeviceRGB, [0, 0, 4096, 5462], false);
          pix.clear(255);
          keep.push(pix);
        }
        return keep.length;
      }
      if (task.action === "js-hog") {
        const keep: number[][] = [];
        for (;;) keep.push(new Array(1_000_000).fill(1.5));
      }
      return "ok";
    }
  }
}

process.on("message", (msg: { id: number; task: ChildTask }) => {
  void (async () => {
    let reply: ChildReply;
    try {
      reply = { id: msg.id, ok: true, value: await perform(msg.task) };
    } catch (e) {
      noteReaderFault(e);
      const err = e as Error & { code?: string };
      reply = {
        id: msg.id,
        ok: false,
        error: { name: err?.name ?? "Error", code: err?.code, message: err?.message ?? String(e) },
      };
    }
    // MuPDF.js frees WASM objects from finalizers. Run them now, inside this task: a file that left
    // MuPDF's heap damaged then fails here, instead of whichever file happens to be read at the next GC.
    try {
      (globalThis as { gc?: () => void }).gc?.();
    } catch (e) {
      noteReaderFault(e);
    }
    // Any fault seen during the task (even one the analysis turned into a warning), else a read of a
    // known file: either way this child is not given another file.
    const poisoned = takeReaderFault() ?? readerCanary();
    if (poisoned) {
      process.stderr.write(`MuPDF trapped: ${poisoned}\n`);
      reply.poisoned = poisoned;
    }
    process.send?.(reply);
  })();
});
// The pool went away (parent crashed or closed us): nothing to work for.
process.on("disconnect", () => process.exit(0));
process.send?.({ ready: true });
