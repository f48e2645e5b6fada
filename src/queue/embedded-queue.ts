// The embedded queue: the jobs table is the queue. Workers claim due rows with one atomic UPDATE,
// so nothing is lost on a crash (processing rows go back to queued at start) and no job runs twice.
import type { Logger } from "pino";
import type { JobRow, JobsRepository } from "../store/jobs.repository.ts";
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
        // The runner records its own failures; this is a fault in recording itself (DB gone).
        this.logger.error({ err: e, job: job.id }, "queue: job handler crashed; the job stays processing until restart");
      } finally {
        this.running--;
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
