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

export async function acceptFile(deps: IntakeDeps, o: AcceptOptions): Promise<AcceptResult> {
  const stat = await fsp.stat(o.file);
  const source = path.resolve(o.file);
  const same = await deps.jobs.findQueuedSame(source, stat.size, stat.mtimeMs);
  if (same) return { job: same, already: true };
  // Held for half a minute so no worker takes the job while its file is being moved in; released
  // below. If this process dies in between, the hold simply expires and intake moves the file.
  const job = await deps.jobs.create({
    runAfter: new Date(Date.now() + 30_000).toISOString(),
    fileName: o.name ?? path.basename(o.file),
    source: o.source,
    sourcePath: source,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    importMode: o.importMode,
    defaultBureau: o.defaultBureau ?? null,
    fileDate: o.importMode ? new Date(stat.mtimeMs).toISOString() : undefined,
  });
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
