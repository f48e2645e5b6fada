// The one door into the queue for hot folders, HTTP uploads and the CLI: the job row is written
// first, then the original moves (or is copied) into the job's work folder, then workers are woken.
import fsp from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import type { DataPaths } from "../config/runtime.ts";
import type { EventBus } from "../events/event-bus.ts";
import { copyDurably, moveFile } from "../files/move.ts";
import { workPathOf } from "../pipeline/steps/intake/intake.step.ts";
import type { JobQueue } from "../queue/job-queue.ts";
import type { JobRow, JobsRepository } from "../store/jobs.repository.ts";

export interface IntakeDeps {
  jobs: JobsRepository;
  queue: JobQueue;
  paths: DataPaths;
  events: EventBus;
  logger: Logger;
}

export interface AcceptOptions {
  /** A journal row already shown for this file while it waited (see announceWaiting): take it over. */
  jobId?: number;
  file: string;
  /** Name shown in the journal (defaults to the file's base name). */
  name?: string;
  source: string;
  /** Move the original (hot folder, upload) or copy it (CLI without --move). */
  move: boolean;
  importMode?: boolean;
  defaultBureau?: string | null;
}

export type AcceptResult = { job: JobRow; already: boolean };

/** The step name a waiting row shows (the UI words it «ожидание: файл не дописан»). */
export const WAITING_STEP = "incomplete";

export async function acceptFile(deps: IntakeDeps, o: AcceptOptions): Promise<AcceptResult> {
  const stat = await fsp.stat(o.file);
  const source = path.resolve(o.file);
  const same = o.jobId == null ? await deps.jobs.findQueuedSame(source, stat.size, stat.mtimeMs) : undefined;
  if (same) return { job: same, already: true };
  // Held for half a minute so no worker takes the job while its file is being moved in; released
  // below. If this process dies in between, the hold simply expires and intake moves the file.
  const hold = new Date(Date.now() + 30_000).toISOString();
  const waiting = o.jobId == null ? undefined : await deps.jobs.get(o.jobId);
  let job: JobRow;
  if (waiting && waiting.status === "queued" && !waiting.work_path) {
    const patch = { run_after: hold, step: null, size: stat.size, mtime_ms: stat.mtimeMs };
    await deps.jobs.update(waiting.id, patch);
    job = { ...waiting, ...patch };
  } else {
    job = await deps.jobs.create({
      runAfter: hold,
      fileName: o.name ?? path.basename(o.file),
      source: o.source,
      sourcePath: source,
      size: stat.size,
      mtimeMs: stat.mtimeMs,
      importMode: o.importMode,
      defaultBureau: o.defaultBureau ?? null,
      fileDate: o.importMode ? new Date(stat.mtimeMs).toISOString() : undefined,
    });
  }
  const work = workPathOf(deps.paths.work, job.id, job.file_name);
  try {
    if (o.move) await moveFile(source, work);
    else await copyDurably(source, work);
    await deps.jobs.update(job.id, { work_path: work, run_after: new Date().toISOString() });
  } catch (e) {
    await deps.jobs.update(job.id, { run_after: new Date().toISOString() }).catch(() => {});
    // Disk full, permissions: the file stays where it was and the intake step retries the move.
    deps.logger.warn({ err: e, job: job.id }, "intake: could not move the file yet; the job will retry");
  }
  deps.events.emit({ type: "job", id: job.id, status: "queued", step: null });
  deps.logger.info({ job: job.id, file: job.file_name, source: o.source }, "queued");
  await deps.queue.enqueue(job.id);
  return { job, already: false };
}

/**
 * A journal row for a hot-folder file that is stable but not complete yet: queued, step
 * `incomplete`, not runnable until the wait is over (the watcher takes it over then, or, if this
 * process died meanwhile, a worker takes the file as it is and the analysis says why it failed).
 * One row per file: a row left from before a restart is reused.
 */
export async function announceWaiting(
  deps: IntakeDeps,
  o: { file: string; source: string; importMode?: boolean; defaultBureau?: string | null; leftMs: number },
): Promise<JobRow> {
  const source = path.resolve(o.file);
  const stat = await fsp.stat(source);
  // Below the queue's clock-jump guard (15 min), so the hold is honoured as written.
  const runAfter = new Date(Date.now() + Math.min(Math.max(o.leftMs, 0) + 30_000, 14 * 60_000)).toISOString();
  const known = await deps.jobs.findWaiting(source);
  const job =
    known ??
    (await deps.jobs.create({
      runAfter,
      fileName: path.basename(o.file),
      source: o.source,
      sourcePath: source,
      size: stat.size,
      mtimeMs: stat.mtimeMs,
      importMode: o.importMode,
      defaultBureau: o.defaultBureau ?? null,
      fileDate: o.importMode ? new Date(stat.mtimeMs).toISOString() : undefined,
    }));
  await deps.jobs.update(job.id, { step: WAITING_STEP, run_after: runAfter });
  deps.events.emit({ type: "job", id: job.id, status: "queued", step: WAITING_STEP });
  deps.logger.info({ job: job.id, file: job.file_name }, "waiting: the file is not complete yet");
  await deps.queue.enqueue(job.id);
  return { ...job, step: WAITING_STEP, run_after: runAfter };
}
