// What a done job lacks or should tell, as codes with their values: the journal row shows them at a
// glance, the job page and notifications word them (ru/en in the UI). A job is `done` with these; the
// original reached (or goes to) its bureau whatever they say.

import { type Note, noteText } from "../util/note.ts";
import type { Analysis } from "./types.ts";

export type JobWarningCode =
  /** The press preview PDF could not be made (`reason`): the press delivery is skipped and says so. */
  | "no-preview"
  /** A sheet's proof JPEG (and thumbnail) could not be made. */
  | "no-proof"
  /** A sheet's ink coverage could not be measured: no figure is booked (never a made-up 0). */
  | "no-inks"
  /** A listed colorant inks nothing on the sheet: a plate paid for nothing. */
  | "blank-plate"
  /** A separation carries ink but Signa lists no plate for it. */
  | "missing-plate"
  /** A page without Signa's colorant list was not measured: its plates are not counted. */
  | "plates-uncounted";

export interface JobWarning {
  code: JobWarningCode;
  /** 1-based sheet (page), when the warning is about one sheet. */
  sheet?: number;
  /** The colorant or separation, for plate warnings. */
  ink?: string;
  /** Why an output is missing, as the engine said it (technical, shown under the worded warning). */
  reason?: string;
}

export interface RenderOutcome {
  previewError?: string | null;
  pages: { page: number; missing?: string[]; warning?: Note | string }[];
}

/** Output warnings of one render, then the plate warnings of the analysis it produced. */
export function jobWarnings(a: Analysis, render: RenderOutcome | null): JobWarning[] {
  const out: JobWarning[] = [];
  if (render?.previewError) out.push({ code: "no-preview", reason: render.previewError });
  for (const p of render?.pages ?? []) {
    const reason = p.warning === undefined ? undefined : noteText(p.warning);
    if (p.missing?.includes("proof")) out.push({ code: "no-proof", sheet: p.page, reason });
    if (p.missing?.includes("inks")) out.push({ code: "no-inks", sheet: p.page, reason });
  }
  for (const s of a.sheets) {
    for (const ink of s.blankPlates ?? []) out.push({ code: "blank-plate", sheet: s.page, ink });
    for (const ink of s.missingPlates ?? []) out.push({ code: "missing-plate", sheet: s.page, ink });
    if (!s.colorants.length && !s.separations) out.push({ code: "plates-uncounted", sheet: s.page });
  }
  return out;
}

export const warningsColumn = (w: JobWarning[]): string | null => (w.length ? JSON.stringify(w) : null);

/** One line per warning in plain English, for logs and notification templates. */
export function warningText(w: JobWarning): string {
  const why = w.reason ? ` (${w.reason})` : "";
  switch (w.code) {
    case "no-preview":
      return `the press preview could not be made${why}`;
    case "no-proof":
      return `sheet ${w.sheet}: no proof${why}`;
    case "no-inks":
      return `sheet ${w.sheet}: ink coverage not measured${why}`;
    case "blank-plate":
      return `plate ${w.ink} on sheet ${w.sheet} is blank: a plate would be paid for nothing`;
    case "missing-plate":
      return `ink ${w.ink} is on sheet ${w.sheet} but Signa makes no plate for it`;
    case "plates-uncounted":
      return `sheet ${w.sheet}: plates not counted (the page has no Signa colorant list and was not rendered)`;
  }
}
