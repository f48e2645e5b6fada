// "Needs a look": a job that went through but whose facts a person should check before trusting
// the journal's green (not a Signa file, a press guessed from the plate size, any warning).
import type { JobWarning } from "./job-warnings.ts";
import type { Analysis } from "./types.ts";

export type AttentionReason = "not-signa" | "press-by-plate-size" | "warnings";

export function attentionOf(a: Analysis | null, jobWarnings: JobWarning[] = []): AttentionReason[] {
  if (!a || a.error) return [];
  const out: AttentionReason[] = [];
  if (!a.isSigna) out.push("not-signa");
  if (a.sheets.some((s) => s.pressBy === "plate-size")) out.push("press-by-plate-size");
  if (a.warnings.length || jobWarnings.length) out.push("warnings");
  return out;
}

/** The journal column: reasons comma-joined, null when nothing needs a look (the filter is `is not null`). */
export function attentionColumn(a: Analysis | null, jobWarnings: JobWarning[] = []): string | null {
  const r = attentionOf(a, jobWarnings);
  return r.length ? r.join(",") : null;
}

export function parseAttention(column: string | null): AttentionReason[] {
  return column ? (column.split(",") as AttentionReason[]) : [];
}
