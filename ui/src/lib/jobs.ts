// What the journal and the job page derive from a JobView: delivery summaries, row colour,
// colours and inks per page.
import type { DeliveryView, JobView, Sheet } from "../api/types.ts";

export type DeliverySummary = "none" | "sent" | "pending" | "retrying" | "failed" | "skipped";

/** A delivery still being retried after an error counts apart from a fresh pending one. */
export function deliveryState(d: DeliveryView): DeliverySummary {
  if (d.state === "pending" && d.error) return "retrying";
  return d.state;
}

/** The worst state of a job's deliveries of one kind (several bureau targets roll up into one cell). */
export function summarise(
  job: JobView,
  kind: DeliveryView["kind"],
): { state: DeliverySummary; list: DeliveryView[] } {
  // The press's copy is the preview; the pipeline may name that kind "preview".
  const list = job.deliveries.filter((d) => (kind === "bureau" ? d.kind === "bureau" : d.kind !== "bureau"));
  if (!list.length) return { state: "none", list };
  const order: DeliverySummary[] = ["failed", "retrying", "pending", "skipped", "sent"];
  const states = list.map(deliveryState);
  return { state: order.find((s) => states.includes(s)) ?? "sent", list };
}

/**
 * Row colour as in the original journal: red when the file did not reach the bureau, yellow when
 * the press preview did not reach the press. A delivery still retrying after an error counts: the
 * file is not there yet and the operator should know.
 */
export function rowTone(job: JobView): "bureau-failed" | "press-failed" | "job-failed" | null {
  const bad = (s: DeliverySummary) => s === "failed" || s === "retrying";
  if (bad(summarise(job, "bureau").state)) return "bureau-failed";
  if (bad(summarise(job, "press").state)) return "press-failed";
  if (job.status === "failed") return "job-failed";
  return null;
}

const SHORT: Record<string, string> = { cyan: "C", magenta: "M", yellow: "Y", black: "K" };

/** `C`, `M`, `Y`, `K` for process colours, the spot name without `PANTONE` otherwise. */
export function shortColorant(name: string): string {
  return SHORT[name.toLowerCase()] ?? name.replace(/^PANTONE\s*/i, "").trim();
}

export function isProcess(name: string): boolean {
  return name.toLowerCase() in SHORT;
}

/** A CSS colour for a separation's swatch (spot colours get a neutral one: we do not know Lab here). */
export function swatch(name: string): string {
  switch (name.toLowerCase()) {
    case "cyan":
      return "#00a3e0";
    case "magenta":
      return "#d6007e";
    case "yellow":
      return "#ffe100";
    case "black":
      return "#222";
    default:
      return "#b48ce0";
  }
}

export function sheets(job: JobView): Sheet[] {
  return job.analysis?.sheets ?? [];
}

/** Page 1's separations as one short line: `CMYK + Warm Red C`. */
export function coloursLine(s: Sheet | undefined): string {
  if (!s) return "";
  const proc = s.colorants.filter(isProcess).map(shortColorant).join("");
  const spots = s.colorants.filter((c) => !isProcess(c)).map(shortColorant);
  return [proc, ...spots].filter(Boolean).join(" + ");
}

/** Total ink coverage of a page in percent (sum of separations), for a one-number summary. */
export function inkTotal(s: Sheet): number | null {
  if (!s.inks) return null;
  return Object.values(s.inks).reduce((a, b) => a + b, 0);
}

export function thumbnails(
  job: JobView,
): { page: number; proof: string | null; thumbnail: string | null; warning?: string }[] {
  return job.outputs?.pages ?? [];
}

export const JOB_STATUSES = ["queued", "processing", "done", "failed"] as const;
