// One shape for every pipeline step. Expected outcomes are results (a refused file); faults are
// thrown and the runner retries them when they are transient.
import type { Logger } from "pino";
import type { DataPaths } from "../config/runtime.ts";
import type { Settings } from "../config/settings-schema.ts";
import type { EventBus } from "../events/event-bus.ts";
import type { JobOutputs, JobRow, JobsRepository } from "../store/jobs.repository.ts";
import type { Note } from "../util/note.ts";

export interface JobContext {
  job: JobRow;
  outputs: JobOutputs;
  settings: Settings;
  paths: DataPaths;
  jobs: JobsRepository;
  events: EventBus;
  logger: Logger;
  /** Writes a line to the job's live log (and the process log). */
  log(msg: string | Note, level?: "info" | "warn" | "error"): Promise<void>;
  signal: AbortSignal;
  /** When the job's time limit runs out (epoch ms): a step that may run long keeps time for the rest. */
  deadline: number;
}

export interface StepResult {
  /** One short line for the timeline and the log (a note: the UI words it, the log keeps its text). */
  info?: Note;
  /** Columns of the job row to update. */
  patch?: Partial<Omit<JobRow, "id">>;
  /** Outputs merged into the job's stored outputs (what a resumed job starts from). */
  outputs?: Partial<JobOutputs>;
  /** The file itself is refused: the job fails with this code, no retry. */
  reject?: { code: string; message: string; reason?: Note };
  /** Stop the job here as done (e.g. nothing more to do). */
  finish?: boolean;
  /**
   * The job cannot go on without a person: it waits in this status (not failed, nothing quarantined)
   * and resumes at this step once the operator has supplied what is missing.
   */
  wait?: { status: "needs-bureau"; code: string; message: string; reason?: Note };
}

export interface Step {
  name: string;
  run(ctx: JobContext): Promise<StepResult>;
}

/** A fault worth retrying later (network, disk full, locked file). */
export class TransientError extends Error {
  readonly transient = true;
  constructor(
    message: string,
    readonly code = "transient",
  ) {
    super(message);
  }
}

const TRANSIENT_CODES = new Set([
  "ENOSPC",
  "EACCES",
  "EPERM",
  "EBUSY",
  "EAGAIN",
  "EMFILE",
  "ENFILE",
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EDQUOT",
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
  "SQLITE_FULL",
  "57P01",
  "57P03",
]);

export function isTransient(e: unknown): boolean {
  if (!e || typeof e !== "object") return false;
  const err = e as { transient?: boolean; code?: string };
  return err.transient === true || (typeof err.code === "string" && TRANSIENT_CODES.has(err.code));
}
