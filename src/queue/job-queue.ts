// The queue that hands jobs to workers. The job row in the database is the truth; a queue only
// decides who runs which job when. Embedded (DB polling) and BullMQ implement the same shape.
export type JobHandler = (jobId: number) => Promise<void>;

export interface JobQueue {
  readonly kind: "embedded" | "bullmq";
  /** A job row was created or re-queued: make it runnable (at its run_after time). */
  enqueue(jobId: number, delayMs?: number): Promise<void>;
  /** Start taking jobs with `concurrency` workers in this process. */
  work(concurrency: number): void;
  /** Stop taking new jobs; resolves when in-flight jobs finished. */
  stop(): Promise<void>;
  /** Jobs in flight in this process. */
  active(): number;
}
