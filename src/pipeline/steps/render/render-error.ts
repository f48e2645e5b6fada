// Render faults carry stable codes; the UI turns them into words.
export type RenderErrorCode =
  | "render-timeout"
  | "render-aborted"
  | "gs-missing"
  | "gs-failed"
  | "no-output"
  | "bad-crop"
  | "crop-failed"
  | "mupdf-failed";

export class RenderError extends Error {
  constructor(
    readonly code: RenderErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "RenderError";
  }
}
