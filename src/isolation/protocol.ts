// Messages between the PDF pool and its child processes.
import type { AnalyzeOptions } from "../analysis/analyze.ts";
import type { Rect } from "../pipeline/steps/render/crop-pdf.ts";

export type ChildTask =
  | { kind: "analyze"; path: string; options: AnalyzeOptions }
  | { kind: "crop"; src: string; dest: string; rects: (Rect | null | undefined)[] }
  | { kind: "selftest"; action: "spin" | "crash" | "poison" | "wasm-hog" | "js-hog" | "echo"; mb?: number };

/** `poisoned`: the task met a reader fault (src/pipeline/steps/inspect/reader-fault.ts) or the
 * self-check after it failed; the child must not be given another task. */
export type ChildReply = { id: number; poisoned?: string } & (
  | { ok: true; value: unknown }
  | { ok: false; error: { name: string; code?: string; message: string } }
);
