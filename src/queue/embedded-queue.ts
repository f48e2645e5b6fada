// The embedded queue: the jobs table is the queue. Workers claim due rows with one atomic UPDATE,
// so nothing is lost on a crash (processing rows go back to queued at start) and no job runs twice.
import type { Logger } from "pino";
import type { JobRow, JobsRepository } from "../store/jobs.repository.ts";
import { isoIn, nowIso } from "../util/time.ts";
import type { JobQueue } from "./job-queue.ts";

export class EmbeddedQueue implements JobQueue {
  readonly kind = "embedded" as const;
  private running = 0;
  private stopping = false;
  private wakeups: (() => void)[] = [];
  private loops: Promise<void>[] = [];
  private timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly jobs: JobsRepository,
    private readonly engine: "sqlite" | "postgres",
    private readonly run: (job: JobRow) => Promise<void>,
    private readonly logger: Logger,
    private readonly workerId: string,
    private readonly pollMs = 1000,
  ) {}

  async enqueue(_jobId: number, delayMs = 0): Promise<void> {
    if (delayMs > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.wake();
      }, delayMs);
      this.timers.add(t);
    } else this.wake();
  }

  private wake(): void {
    const w = this.wakeups;
    this.wakeups = [];
    for (const f of w) f();
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, this.pollMs);
      this.wakeups.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  work(concurrency: number): void {
    for (let i = 0; i < concurrency; i++) this.loops.push(this.loop(`${this.workerId}:${i}`));
  }

  private async loop(id: string): Promise<void> {
    while (!this.stopping) {
      let job: JobRow | null = null;
      try {
        job = await this.jobs.claimNext(id, this.engine);
      } catch (e) {
        this.logger.warn({ err: e }, "queue: could not read the jobs table, will retry");
      }
      if (!job) {
        await this.sleep();
        continue;
      }
      this.running++;
      try {
        await this.run(job);
      } catch (e) {
        // The runner records its own failures; this is a fault in recording itself (DB locked or gone).
        this.logger.error(
          { err: e, job: job.id },
          "queue: job handler crashed; the job goes back to the queue",
        );
        await this.handBack(job.id, id);
      } finally {
        this.running--;
      }
    }
  }

  /**
   * Puts a job whose handler crashed back to `queued` (it resumes from its last completed step) as
   * soon as the database answers again, so a locked or restarted database needs no restart of ours.
   */
  private async handBack(jobId: number, holder: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.jobs.db
          .updateTable("jobs")
          .set({
            status: "queued",
            locked_by: null,
            locked_at: null,
            run_after: isoIn(1000),
            updated_at: nowIso(),
          })
          .where("id", "=", jobId)
          .where("status", "=", "processing")
          .where("locked_by", "=", holder)
          .execute();
        return;
      } catch (e) {
        if (this.stopping) return; // requeueStale hands it back at the next start
        this.logger.warn({ err: e, job: jobId }, "queue: database still unavailable; will hand the job back");
        await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 15_000)));
      }
    }
  }

  active(): number {
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.wake();
    await Promise.all(this.loops);
  }
}
