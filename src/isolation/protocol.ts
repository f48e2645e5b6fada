// Messages between the PDF pool and its child processes.
import type { AnalyzeOptions } from "../analysis/analyze.ts";
import type { Rect } from "../pipeline/steps/render/crop-pdf.ts";

export type ChildTask =
  | { kind: "analyze"; path: string; options: AnalyzeOptions }
  | { kind: "crop"; src: string; dest: string; rects: (Rect | null | undefined)[] }
  | { kind: "selftest"; action: "spin" | "crash" | "wasm-hog" | "js-hog" | "echo"; mb?: number };

export type ChildReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; code?: string; message: string } };
