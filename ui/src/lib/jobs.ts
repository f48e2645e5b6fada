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
export function rowTone(job: JobView): "bureau-failed" | "press-failed" | "job-failed" | "duplicate" | null {
  const bad = (s: DeliverySummary) => s === "failed" || s === "retrying";
  if (bad(summarise(job, "bureau").state)) return "bureau-failed";
  if (bad(summarise(job, "press").state)) return "press-failed";
  if (job.status === "failed") return "job-failed";
  if (job.status === "duplicate") return "duplicate";
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

const PROCESS_ORDER = ["cyan", "magenta", "yellow", "black"];

/** Separations as one short line: `CMYK + Warm Red C` (process colours in C M Y K order first). */
export function coloursLine(names: string[]): string {
  const proc = PROCESS_ORDER.filter((p) => names.some((c) => c.toLowerCase() === p))
    .map(shortColorant)
    .join("");
  const spots = names.filter((c) => !isProcess(c)).map(shortColorant);
  return [proc, ...spots].filter(Boolean).join(" + ");
}

/** The separations a sheet really has: Signa's list; without one (not Signa), those that carry ink. */
export function sheetSeparations(s: Sheet): string[] {
  if (s.colorants.length) return s.colorants;
  return Object.entries(s.inks ?? {})
    .filter(([, v]) => v > 0)
    .map(([c]) => c);
}

/** Every separation of the job over all sheets: process colours in print order, then spots as first met. */
export function jobSeparations(job: JobView): string[] {
  const seen = new Map<string, string>();
  for (const s of sheets(job))
    for (const c of sheetSeparations(s)) if (!seen.has(c.toLowerCase())) seen.set(c.toLowerCase(), c);
  const all = [...seen.values()];
  const proc = PROCESS_ORDER.flatMap((p) => all.filter((c) => c.toLowerCase() === p));
  return [...proc, ...all.filter((c) => !isProcess(c))];
}

/**
 * Mean ink coverage per separation over the sheets that have that separation (a spot colour on one
 * sheet of four is not diluted by the other three); only separations that exist.
 */
export function inksSummary(job: JobView): { sep: string; mean: number }[] {
  const out: { sep: string; mean: number }[] = [];
  for (const sep of jobSeparations(job)) {
    const values = sheets(job)
      .filter((s) => s.inks && sheetSeparations(s).some((c) => c.toLowerCase() === sep.toLowerCase()))
      .map((s) => inkOf(s, sep))
      .filter((v): v is number => v != null);
    if (values.length) out.push({ sep, mean: values.reduce((a, b) => a + b, 0) / values.length });
  }
  return out;
}

/** A sheet's coverage of one separation (ink keys may differ in case from Signa's names). */
export function inkOf(s: Sheet, sep: string): number | null {
  if (!s.inks) return null;
  const key = Object.keys(s.inks).find((k) => k.toLowerCase() === sep.toLowerCase());
  return key == null ? null : s.inks[key];
}

/** Total ink coverage of a page in percent (sum of separations), for a one-number summary. */
export function inkTotal(s: Sheet): number | null {
  if (!s.inks) return null;
  return Object.values(s.inks).reduce((a, b) => a + b, 0);
}

/** What the render made of one sheet (proof, thumbnail, PPF, what it lacks), as the job stores it. */
export type PageOutput = NonNullable<NonNullable<JobView["outputs"]>["pages"]>[number];

export function thumbnails(job: JobView): PageOutput[] {
  return job.outputs?.pages ?? [];
}

export const JOB_STATUSES = ["queued", "processing", "done", "failed", "duplicate", "needs-bureau"] as const;

/** A queued row for a hot-folder file not yet complete (see src/intake/accept-file.ts). */
export const isWaitingIncomplete = (job: Pick<JobView, "status" | "step">) =>
  job.status === "queued" && job.step === "incomplete";

/** A job back in the queue because a disk is full: it goes on by itself once there is room. */
export const isWaitingDisk = (job: Pick<JobView, "status" | "error">) =>
  (job.status === "queued" || job.status === "processing") && job.error?.code === "disk-full";

/** Deliveries to a CTP bureau that already went out: a re-run sends the file (and plates cost money) again. */
export function bureauAlreadySent(job: JobView): DeliveryView[] {
  return job.deliveries.filter((d) => d.kind === "bureau" && d.state === "sent");
}

/** A file name that wraps after `_`, `-` and `.` rather than in the middle of a word. */
export function nameBreaks(name: string): string[] {
  return name.split(/(?<=[_\-.])/);
}
