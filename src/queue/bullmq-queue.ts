// The scale-out queue: BullMQ on Redis decides which worker (in any process, on any machine) runs a
// job; the job row in the database stays the truth about the job itself.
//
// One BullMQ job per journal job, with the id `j<id>`: adding it again while it waits, is delayed
// or runs is a no-op, so every door into the queue may enqueue freely. The BullMQ lock says who
// holds the job: a worker that dies stops renewing it, BullMQ's stalled check moves the job back
// to waiting and another worker takes it over (the row is still `processing` then; the new holder
// takes it because BullMQ's lock, not the row, is proof that the old holder is gone). A retry the
// runner scheduled (row back to `queued` with a later run_after) becomes a delayed BullMQ job.
// A reconciler re-adds rows that have no BullMQ job (a crash between the row and the add, a Redis
// that lost its data); it never touches a row whose BullMQ job is still alive.
import os from "node:os";
import { DelayedError, type Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { JobRow, JobsRepository } from "../store/jobs.repository.ts";
import { nowIso } from "../util/time.ts";
import type { JobQueue } from "./job-queue.ts";

export const QUEUE_NAME = "pdfupload-jobs";
const RECONCILE_LOCK = `${QUEUE_NAME}:reconcile-lock`;

export interface BullmqQueueOptions {
  redisUrl: string;
  jobs: JobsRepository;
  run: (job: JobRow) => Promise<void>;
  logger: Logger;
  workerId?: string;
  /** How long a worker's hold on a job lasts without renewal (ms): a killed worker's job moves on after about this. */
  lockMs?: number;
  /** How often the reconciler looks for rows without a BullMQ job (ms). */
  reconcileMs?: number;
}

interface Payload {
  id: number;
}

export const bullJobId = (id: number) => `j${id}`;

/** A Redis connection as BullMQ wants it (no per-command retry limit for blocking workers). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

export class BullmqQueue implements JobQueue {
  readonly kind = "bullmq" as const;
  readonly queue: Queue<Payload>;
  private readonly conn: Redis;
  private worker: Worker<Payload> | null = null;
  private workerConn: Redis | null = null;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private running = 0;
  private readonly workerId: string;
  private readonly lockMs: number;

  constructor(private readonly o: BullmqQueueOptions) {
    this.conn = redisConnection(o.redisUrl);
    this.conn.on("error", (e) => o.logger.warn({ err: e }, "queue: redis connection error"));
    this.queue = new Queue<Payload>(QUEUE_NAME, { connection: this.conn });
    this.queue.on("error", (e) => o.logger.warn({ err: e }, "queue: bullmq error"));
    this.workerId = o.workerId ?? `${os.hostname()}:${process.pid}`;
    this.lockMs = o.lockMs ?? 30_000;
  }

  async enqueue(jobId: number, delayMs = 0): Promise<void> {
    await this.queue.add(
      "job",
      { id: jobId },
      {
        jobId: bullJobId(jobId),
        delay: Math.max(0, delayMs),
        removeOnComplete: true,
        removeOnFail: true,
        // A handler crash (DB unreachable) is retried by BullMQ; job faults are the runner's business.
        attempts: 5,
        backoff: { type: "exponential", delay: 5000 },
      },
    );
  }

  work(concurrency: number): void {
    if (this.worker) return;
    const conn = redisConnection(this.o.redisUrl);
    conn.on("error", (e) => this.o.logger.warn({ err: e }, "queue: redis connection error"));
    this.workerConn = conn;
    this.worker = new Worker<Payload>(QUEUE_NAME, (job, token) => this.process(job, token), {
      connection: conn,
      concurrency,
      lockDuration: this.lockMs,
      stalledInterval: Math.max(1000, Math.round(this.lockMs / 2)),
      // A job whose worker died more than this many times in a row ends as failed in BullMQ; the
      // reconciler then re-adds it, so a poison job keeps cycling slowly instead of vanishing.
      maxStalledCount: 10,
      name: this.workerId,
    });
    this.worker.on("error", (e) => this.o.logger.warn({ err: e }, "queue: bullmq worker error"));
    this.worker.on("stalled", (id) =>
      this.o.logger.warn({ bullJob: id }, "queue: a worker stopped holding a job; it goes to another worker"),
    );
    const every = this.o.reconcileMs ?? 60_000;
    const tick = async () => {
      try {
        // One worker of the installation reconciles per period: with 50 workers and a long
        // backlog, 50 full scans a minute would load PostgreSQL and Redis for nothing.
        const mine = await this.conn.set(
          RECONCILE_LOCK,
          this.workerId,
          "PX",
          Math.max(1000, every - 200),
          "NX",
        );
        const n = mine ? await this.reconcile() : 0;
        if (n) this.o.logger.info({ jobs: n }, "queue: re-added jobs that had no queue entry");
      } catch (e) {
        this.o.logger.warn({ err: e }, "queue: reconcile failed, will retry");
      }
      if (this.reconcileTimer) this.reconcileTimer = setTimeout(tick, every);
    };
    this.reconcileTimer = setTimeout(tick, 0);
  }

  /** Runs one BullMQ job: takes the row, runs the job, turns a scheduled retry into a delay. */
  private async process(job: Job<Payload>, token: string | undefined): Promise<void> {
    const id = job.data.id;
    const row = await this.o.jobs.get(id);
    if (!row || row.status === "done" || row.status === "failed" || row.status === "duplicate") return; // deleted or finished meanwhile
    const due = Date.parse(row.run_after) - Date.now();
    if (row.status === "queued" && due > 50) {
      await job.moveToDelayed(Date.now() + due, token);
      throw new DelayedError();
    }
    const holder = `${this.workerId}/${job.id}`;
    const claimed = await this.claim(row, holder);
    if (!claimed) return; // changed under us (deleted, re-run, finished): nothing to do
    if (row.status === "processing")
      this.o.logger.warn({ job: id, was: row.locked_by }, "queue: taking over a job whose worker is gone");
    this.running++;
    try {
      await this.o.run(claimed);
    } finally {
      this.running--;
    }
    const after = await this.o.jobs.get(id);
    if (after?.status === "queued") {
      const delay = Math.max(0, Date.parse(after.run_after) - Date.now());
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
    if (after?.status === "processing" && after.locked_by === holder)
      throw new Error(`job ${id} was left processing by its handler`); // BullMQ retries with backoff
  }

  /** Marks the row as ours; the condition on what we read makes a concurrent change win instead. */
  private async claim(row: JobRow, holder: string): Promise<JobRow | null> {
    const at = nowIso();
    let q = this.o.jobs.db
      .updateTable("jobs")
      .set({ status: "processing", locked_by: holder, locked_at: at, updated_at: at })
      .where("id", "=", row.id)
      .where("status", "=", row.status);
    q = row.locked_by === null ? q.where("locked_by", "is", null) : q.where("locked_by", "=", row.locked_by);
    return (await q.returningAll().executeTakeFirst()) ?? null;
  }

  /**
   * Rows that should be in the queue but have no BullMQ job: `queued` rows (crash between the row
   * and the add) and `processing` rows whose BullMQ job is gone (Redis lost it). A `processing`
   * row whose BullMQ job exists is left alone: its worker is alive, or BullMQ's stalled check will
   * hand it on.
   */
  async reconcile(): Promise<number> {
    const rows = await this.o.jobs.db
      .selectFrom("jobs")
      .select(["id", "status", "run_after", "locked_by"])
      .where("status", "in", ["queued", "processing"])
      .orderBy("id")
      .limit(10_000)
      .execute();
    let added = 0;
    for (const r of rows) {
      const existing = await this.queue.getJob(bullJobId(r.id));
      if (existing) {
        const state = await existing.getState();
        if (state !== "failed" && state !== "completed" && state !== "unknown") continue;
        await existing.remove().catch(() => {});
      }
      if (r.status === "processing") {
        // Hand the row back only if nobody changed it since we read it.
        let q = this.o.jobs.db
          .updateTable("jobs")
          .set({ status: "queued", locked_by: null, locked_at: null, updated_at: nowIso() })
          .where("id", "=", r.id)
          .where("status", "=", "processing");
        q = r.locked_by === null ? q.where("locked_by", "is", null) : q.where("locked_by", "=", r.locked_by);
        const u = await q.executeTakeFirst();
        if (Number(u.numUpdatedRows) !== 1) continue;
      }
      await this.enqueue(r.id, Date.parse(r.run_after) - Date.now());
      added++;
    }
    return added;
  }

  active(): number {
    return this.running;
  }

  /** Waiting, delayed and active counts as BullMQ sees them (the dashboard's figures). */
  async depth(): Promise<Record<string, number>> {
    return this.queue.getJobCounts("waiting", "delayed", "active", "prioritized");
  }

  /** Stops taking jobs; in-flight jobs finish (a kill after this hands them on via the lock). */
  async stop(): Promise<void> {
    const t = this.reconcileTimer;
    this.reconcileTimer = null;
    if (t) clearTimeout(t);
    if (this.worker) await this.worker.close();
    this.worker = null;
    this.workerConn?.disconnect();
    await this.queue.close().catch(() => {});
    this.conn.disconnect();
  }
}
