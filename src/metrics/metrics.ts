// Prometheus metrics for the whole installation, served by the web process. Figures that live in
// the database (jobs by status, deliveries by target) and the queue are read at scrape time, so
// any web process shows the cluster's state; step durations and delivery failures are counted
// from the live events, which reach the web from every worker (shared event bus).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { AppContext } from "../app/context.ts";
import { readerStats } from "../isolation/reader-stats.ts";
import type { TimelineEntry } from "../store/jobs.repository.ts";
import { nowIso } from "../util/time.ts";

export interface Metrics {
  registry: Registry;
  stop(): void;
}

/** Queue depth by state, from BullMQ or (embedded) from the jobs table. */
async function queueDepth(ctx: AppContext): Promise<Record<string, number>> {
  const q = ctx.queue as { depth?: () => Promise<Record<string, number>> };
  if (q.depth) return q.depth();
  const rows = await ctx.store.db
    .selectFrom("jobs")
    .select([(eb) => eb.fn.countAll<number>().as("n"), "status", "run_after"])
    .where("status", "in", ["queued", "processing"])
    .groupBy(["status", "run_after"])
    .execute();
  const now = nowIso();
  const out: Record<string, number> = { waiting: 0, delayed: 0, active: 0 };
  for (const r of rows) {
    const key = r.status === "processing" ? "active" : r.run_after <= now ? "waiting" : "delayed";
    out[key] += Number(r.n);
  }
  return out;
}

export function createMetrics(ctx: AppContext): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "pdfupload_" });

  new Gauge({
    name: "pdfupload_jobs",
    help: "Jobs in the journal by status",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const counts = await ctx.jobs.counts();
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });

  new Gauge({
    name: "pdfupload_queue_depth",
    help: "Jobs in the queue by state (waiting, delayed for a retry, active)",
    labelNames: ["state", "queue"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [state, n] of Object.entries(await queueDepth(ctx)))
        this.set({ state, queue: ctx.queue.kind }, n);
    },
  });

  new Gauge({
    name: "pdfupload_deliveries",
    help: "Deliveries by target and state (failed: given up; pending with attempts: retrying)",
    labelNames: ["target", "state"],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await ctx.store.db
        .selectFrom("deliveries")
        .select(["target", "state", (eb) => eb.fn.countAll<number>().as("n")])
        .groupBy(["target", "state"])
        .execute();
      for (const r of rows) this.set({ target: r.target || "(none)", state: r.state }, Number(r.n));
    },
  });

  // Counted by the PDF pool of this process (the worker's, when web and worker run together).
  new Gauge({
    name: "pdfupload_pdf_reader_recoveries",
    help: "PDF reader safeguards since this process started: rereads (a file read again in a fresh child before a refusal counted), poisoned_children (children ended after a fault inside MuPDF), repairs (copies rewritten by qpdf/Ghostscript), repaired_reads (of those, copies MuPDF then read)",
    labelNames: ["kind"],
    registers: [registry],
    collect() {
      this.set({ kind: "rereads" }, readerStats.rereads);
      this.set({ kind: "poisoned_children" }, readerStats.poisonedChildren);
      this.set({ kind: "repairs" }, readerStats.repairs);
      this.set({ kind: "repaired_reads" }, readerStats.repairedReads);
    },
  });

  const failures = new Counter({
    name: "pdfupload_delivery_failures_total",
    help: "Failed delivery attempts by target (each try that did not send), since this process started",
    labelNames: ["target", "kind"],
    registers: [registry],
  });

  const steps = new Histogram({
    name: "pdfupload_step_duration_seconds",
    help: "Time each pipeline step took, by step and outcome",
    labelNames: ["step", "status"],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });

  const jobsFinished = new Counter({
    name: "pdfupload_jobs_finished_total",
    help: "Jobs that ended, by status, since this process started",
    labelNames: ["status"],
    registers: [registry],
  });

  // A finished job's steps are observed once: entries after the last one seen for that job (a
  // retry or a re-run finishes the same job again with more entries).
  const seen = new Map<number, string>();
  const off = ctx.events.on((e) => {
    if (e.type === "job" && (e.status === "done" || e.status === "failed" || e.status === "duplicate")) {
      void ctx.jobs.get(e.id).then(
        (row) => {
          if (!row) return;
          jobsFinished.inc({ status: e.status });
          const timeline = JSON.parse(row.timeline) as TimelineEntry[];
          const last = seen.get(e.id) ?? "";
          for (const t of timeline)
            if (t.startedAt > last) steps.observe({ step: t.step, status: t.status }, t.ms / 1000);
          // ISO strings, compared as text (Math.max would turn them into NaN).
          // biome-ignore lint/complexity/useMathMinMax: strings, not numbers
          const newest = timeline.reduce((m, t) => (t.startedAt > m ? t.startedAt : m), last);
          seen.set(e.id, newest);
          if (seen.size > 10_000) seen.delete(seen.keys().next().value as number);
        },
        () => {},
      );
    } else if (e.type === "delivery" && e.state !== "sent" && e.state !== "skipped") {
      void ctx.jobs.delivery(e.id).then(
        (d) => {
          if (d?.error) failures.inc({ target: d.target || "(none)", kind: d.kind });
        },
        () => {},
      );
    }
  });

  return { registry, stop: off };
}
