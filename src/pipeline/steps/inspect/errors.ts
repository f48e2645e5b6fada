// Rejections a prepress operator sees: a stable code plus what to do about it.
import type { AnalysisError, AnalysisErrorCode } from "../../../analysis/types.ts";
import { type Note, note } from "../../../util/note.ts";

const advice: Record<AnalysisErrorCode, string> = {
  empty: "Export the sheet from Signa again and copy it to the hot folder once the export has finished.",
  "not-pdf": "Export the sheet from Signa as PDF and save it with the .pdf extension.",
  damaged:
    "Export the sheet from Signa again; if it was copied over the network, copy it again and wait until the copy has finished.",
  encrypted: "Export it again without an open password (document security off) and send it again.",
  "too-large":
    "Export the job as one PDF per sheet (or per side) and send the parts, or ask the administrator to raise the limit.",
  "too-complex": "Simplify or re-export the sheet; if it keeps failing, send it to the administrator.",
  "reader-crash":
    "This is a fault of the PDF reader, not necessarily of the file: send the file and this message to the administrator for a bug report.",
};

/** `what` is the reason as a note (worded by the UI); a bare string (an engine's own message) is kept as detail. */
export function analysisError(code: AnalysisErrorCode, what: Note | string): AnalysisError {
  const reason = typeof what === "string" ? note("reason.detail", what, { detail: what }) : what;
  return { code, message: `${reason.text} ${advice[code]}`, reason };
}

/** Said in a `damaged` refusal when the damage lost objects (inspect.ts). */
export const LOST_WORDS = "parts of it are lost";

/** True for a refusal because the damage lost objects: no other program's rewrite brings them back. */
export function lostData(error: AnalysisError | null | undefined): boolean {
  return error?.code === "damaged" && error.message.includes(`; ${LOST_WORDS}: `);
}
