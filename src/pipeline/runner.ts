// Owns one job's life: runs its steps in order from the last completed one, records the timeline,
// retries transient faults with backoff, and ends the job as done or failed (file to quarantine).
import fsp from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import type { DataPaths } from "../config/runtime.ts";
import type { Settings } from "../config/settings-schema.ts";
import type { EventBus } from "../events/event-bus.ts";
import { DiskFullError, isDiskFull, noteShortfall } from "../files/disk-space.ts";
import { freeName, moveFile, REASON, safeComponent } from "../files/move.ts";
import type { JobOutputs, JobRow, JobsRepository, TimelineEntry } from "../store/jobs.repository.ts";
import { NAME_MAX_BYTES } from "../util/name-bytes.ts";
import { note, noteText, noteToColumn } from "../util/note.ts";
import { nowIso } from "../util/time.ts";
import { StageTimer, withStages } from "./stages.ts";
import { isTransient, type JobContext, type Step } from "./step.ts";

export interface RunnerDeps {
  jobs: JobsRepository;
  paths: DataPaths;
  events: EventBus;
  logger: Logger;
  settings: () => Promise<Settings>;
  steps: Step[];
  /** Called when a job ends failed (notifications). Never throws into the runner. */
  onFailed?: (job: JobRow, settings: Settings) => Promise<void>;
  /** Called when a job waits for a person (needs a bureau). Never throws into the runner. */
  onWaiting?: (job: JobRow, settings: Settings) => Promise<void>;
  /** Called when a job ends done with warnings (notifications). Never throws into the runner. */
  onWarnings?: (job: JobRow, settings: Settings) => Promise<void>;
  jobTimeoutSec: number;
  maxAttempts?: number;
  /** How often a job waiting for disk space looks again (default 15 s). */
  diskWaitMs?: number;
}

/** The error code of a job waiting for disk space (status `queued`): shown as "waiting: disk full". */
export const DISK_FULL_CODE = "disk-full";

const parse = <T>(s: string | null, fallback: T): T => (s ? (JSON.parse(s) as T) : fallback);

/** Delay before the n-th retry: 5 s, 10 s, 20 s … capped at 10 minutes. */
export function backoffMs(attempt: number): number {
  return Math.min(5000 * 2 ** Math.max(0, attempt - 1), 600_000);
}

/** Where a full disk was met: the step's own measure, else the path of the failed write. */
function roomOf(e: unknown): DiskFullError["room"] {
  if (e instanceof DiskFullError) return e.room;
  const p = (e as { path?: unknown }).path;
  return typeof p === "string" ? { dir: path.dirname(p) } : {};
}

export class JobRunner {
  constructor(private readonly deps: RunnerDeps) {}

  async run(claimed: JobRow): Promise<void> {
    const { jobs, events, logger } = this.deps;
    const settings = await this.deps.settings();
    const timeline = parse<TimelineEntry[]>(claimed.timeline, []);
    let outputs = parse<JobOutputs>(claimed.outputs, {});
    const done = new Set(timeline.filter((t) => t.status === "ok").map((t) => t.step));
    const abort = new AbortController();
    const deadline = Date.now() + this.deps.jobTimeoutSec * 1000;
    const timer = setTimeout(
      () => abort.abort(new Error(`the job ran past its limit of ${this.deps.jobTimeoutSec} s`)),
      this.deps.jobTimeoutSec * 1000,
    );
    const jobLog = logger.child({ job: claimed.id, file: claimed.file_name });
    let job = claimed;
    // Journal writes of the runner itself, booked as the "db" stage of the step they serve (the write
    // that stores a step's timeline entry is booked to the next step).
    let dbMs = 0;
    const db = async <T>(p: Promise<T>): Promise<T> => {
      const t = performance.now();
      try {
        return await p;
      } finally {
        dbMs += performance.now() - t;
      }
    };
    // Time in the queue: from when the job became runnable to this claim (the first step run books it).
    let queuedMs = Math.max(0, Date.now() - Date.parse(claimed.run_after));
    // A line given as a note is stored as one (the UI words it); the process log gets its English text.
    const log: JobContext["log"] = async (line, level = "info") => {
      const msg = noteText(line);
      jobLog[level](msg);
      const at = nowIso();
      await db(jobs.log(job.id, level, typeof line === "string" ? line : noteToColumn(line))).catch(() => {});
      events.emit({
        type: "log",
        id: job.id,
        at,
        level,
        msg,
        ...(typeof line === "string" ? {} : { said: line }),
      });
    };

    try {
      for (const step of this.deps.steps) {
        if (done.has(step.name)) continue;
        if (abort.signal.aborted) throw abort.signal.reason;
        const stages = new StageTimer();
        if (Number.isFinite(queuedMs) && queuedMs > 0) stages.add("queue", queuedMs);
        queuedMs = 0;
        await db(jobs.update(job.id, { step: step.name }));
        events.emit({ type: "job", id: job.id, status: "processing", step: step.name });
        const startedAt = nowIso();
        const t0 = performance.now();
        const ctx: JobContext = {
          job,
          outputs,
          settings,
          paths: this.deps.paths,
          jobs,
          events,
          logger: jobLog,
          log,
          signal: abort.signal,
          deadline,
        };
        let result: Awaited<ReturnType<Step["run"]>>;
        try {
          result = await withStages(stages, () => step.run(ctx));
        } catch (e) {
          const ms = Math.round(performance.now() - t0);
          const message = e instanceof Error ? e.message : String(e);
          if (abort.signal.aborted) {
            timeline.push({
              step: step.name,
              status: "failed",
              startedAt,
              ms,
              error: { code: "timeout", message },
            });
            await this.fail(job, timeline, outputs, { code: "timeout", message }, settings, log);
            return;
          }
          if (isDiskFull(e)) {
            noteShortfall(roomOf(e));
            await this.waitForRoom(job, timeline, step.name, startedAt, ms, message, log);
            return;
          }
          if (isTransient(e) && job.attempts + 1 < (this.deps.maxAttempts ?? 8)) {
            const code = (e as { code?: string }).code ?? "transient";
            timeline.push({ step: step.name, status: "retry", startedAt, ms, error: { code, message } });
            const delay = backoffMs(job.attempts + 1);
            const seconds = Math.round(delay / 1000);
            await log(
              note("log.retry", `${step.name}: ${message} — will retry in ${seconds} s`, {
                step: step.name,
                detail: message,
                seconds,
              }),
              "warn",
            );
            await jobs.update(job.id, {
              status: "queued",
              timeline: JSON.stringify(timeline),
              attempts: job.attempts + 1,
              run_after: new Date(Date.now() + delay).toISOString(),
              locked_by: null,
              locked_at: null,
            });
            events.emit({ type: "job", id: job.id, status: "queued", step: step.name });
            return;
          }
          const code = isTransient(e) ? "gave-up" : "internal";
          timeline.push({ step: step.name, status: "failed", startedAt, ms, error: { code, message } });
          jobLog.error({ err: e, step: step.name }, "step failed");
          await this.fail(
            job,
            timeline,
            outputs,
            { code, message: `${step.name}: ${message}` },
            settings,
            log,
          );
          return;
        }
        const ms = Math.round(performance.now() - t0);
        if (result.wait) {
          await this.park(job, timeline, outputs, step.name, startedAt, ms, result.wait, log);
          return;
        }
        if (result.reject) {
          timeline.push({ step: step.name, status: "failed", startedAt, ms, error: result.reject });
          outputs = { ...outputs, ...result.outputs };
          if (result.patch) await jobs.update(job.id, result.patch);
          const { code, message, reason } = result.reject;
          await log(
            note("log.refused", `${step.name}: refused (${code}) — ${message}`, {
              step: step.name,
              code,
              what: reason ?? message,
            }),
            "error",
          );
          await this.fail({ ...job, ...result.patch }, timeline, outputs, result.reject, settings, log);
          return;
        }
        if (dbMs > 0) stages.add("db", dbMs);
        dbMs = 0;
        const stageList = stages.list();
        timeline.push({
          step: step.name,
          status: "ok",
          startedAt,
          ms,
          ...(result.info ? { info: result.info.text, said: result.info } : {}),
          ...(stageList.length ? { stages: stageList } : {}),
        });
        outputs = { ...outputs, ...result.outputs };
        // Persisted after every step: a crash resumes from here, not from scratch.
        const waited = job.error_code === DISK_FULL_CODE ? { error_code: null, error_message: null } : {};
        await db(
          jobs.update(job.id, {
            ...waited,
            ...result.patch,
            timeline: JSON.stringify(timeline),
            outputs: JSON.stringify(outputs),
          }),
        );
        job = {
          ...job,
          ...waited,
          ...result.patch,
          timeline: JSON.stringify(timeline),
          outputs: JSON.stringify(outputs),
        };
        await log(
          note("log.step-done", `${step.name}: ${result.info?.text ?? "ok"} (${ms} ms)`, {
            step: step.name,
            what: result.info ?? note("test.ok", "ok"),
            ms,
          }),
        );
        if (result.finish) break;
      }
      await jobs.update(job.id, {
        status: "done",
        step: null,
        locked_by: null,
        locked_at: null,
        error_code: null,
        error_message: null,
      });
      events.emit({ type: "job", id: job.id, status: "done", step: null });
      if (this.deps.onWarnings && !job.import_mode) {
        const fresh = (await jobs.get(job.id)) ?? job;
        if (fresh.warnings) await this.deps.onWarnings(fresh, settings).catch(() => {});
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A full disk: the job goes back to the queue as "waiting: disk full" without spending a retry,
   * and looks again shortly; one timeline entry per wait (updated, not repeated on every look).
   */
  private async waitForRoom(
    job: JobRow,
    timeline: TimelineEntry[],
    step: string,
    startedAt: string,
    ms: number,
    message: string,
    log: JobContext["log"],
  ): Promise<void> {
    const { jobs, events } = this.deps;
    const last = timeline.at(-1);
    const error = { code: DISK_FULL_CODE, message };
    if (last?.step === step && last.status === "retry" && last.error?.code === DISK_FULL_CODE) {
      last.error = error;
      last.ms = ms;
    } else {
      timeline.push({ step: step, status: "retry", startedAt, ms, error });
      await log(
        note("log.disk-wait", `${step}: ${message} — waiting for disk space (retries are not spent)`, {
          step,
          detail: message,
        }),
        "warn",
      );
    }
    await jobs.update(job.id, {
      status: "queued",
      timeline: JSON.stringify(timeline),
      error_code: DISK_FULL_CODE,
      error_message: `waiting: ${message}`,
      run_after: new Date(Date.now() + (this.deps.diskWaitMs ?? 15_000)).toISOString(),
      locked_by: null,
      locked_at: null,
    });
    events.emit({ type: "job", id: job.id, status: "queued", step });
  }

  /**
   * A job that needs a person (e.g. to pick a bureau): it waits, unlocked and out of the queue, with
   * the reason as its error code; the step that asked runs again when the operator has answered.
   */
  private async park(
    job: JobRow,
    timeline: TimelineEntry[],
    outputs: JobOutputs,
    step: string,
    startedAt: string,
    ms: number,
    wait: NonNullable<Awaited<ReturnType<Step["run"]>>["wait"]>,
    log: JobContext["log"],
  ): Promise<void> {
    const { jobs, events } = this.deps;
    const error = { code: wait.code, message: wait.message };
    timeline.push({ step, status: "waiting", startedAt, ms, error });
    await log(
      note("log.waiting", `${step}: waiting (${wait.code}) — ${wait.message}`, {
        step,
        code: wait.code,
        detail: wait.reason ?? wait.message,
      }),
      "warn",
    );
    await jobs.update(job.id, {
      status: wait.status,
      step: null,
      error_code: wait.code,
      error_message: wait.message,
      timeline: JSON.stringify(timeline),
      outputs: JSON.stringify(outputs),
      locked_by: null,
      locked_at: null,
    });
    events.emit({ type: "job", id: job.id, status: wait.status, step: null });
    if (this.deps.onWaiting && !job.import_mode) {
      const fresh = (await jobs.get(job.id)) ?? job;
      const settings = await this.deps.settings();
      await this.deps.onWaiting(fresh, settings).catch(() => {});
    }
  }

  /** Ends a job as failed; its original goes to quarantine with the reason beside it. */
  private async fail(
    job: JobRow,
    timeline: TimelineEntry[],
    outputs: JobOutputs,
    error: { code: string; message: string },
    settings: Settings,
    log: JobContext["log"],
  ): Promise<void> {
    const { jobs, events, paths } = this.deps;
    const current = (await jobs.get(job.id)) ?? job;
    const original = current.work_path ?? current.source_path;
    let quarantine: string | null = null;
    if (original && !original.startsWith(paths.quarantine)) {
      try {
        await fsp.access(original);
        await fsp.mkdir(paths.quarantine, { recursive: true });
        const wanted = `${job.id}_${safeComponent(job.file_name)}`;
        quarantine = await freeName(paths.quarantine, wanted, NAME_MAX_BYTES - REASON.length);
        await moveFile(original, quarantine);
        const reason = [
          `job: ${job.id}`,
          `file: ${job.file_name}`,
          `time: ${nowIso()}`,
          `code: ${error.code}`,
          `reason: ${error.message}`,
          "",
        ].join("\n");
        await fsp.writeFile(`${quarantine}${REASON}`, reason, "utf8");
        const name = path.basename(quarantine);
        await log(note("log.quarantined", `original moved to quarantine: ${name}`, { name }), "warn");
        await fsp.rm(path.join(paths.work, String(job.id)), { recursive: true, force: true });
      } catch (e) {
        // Leave it where it is (still referenced by the job) rather than risk losing it.
        if ((e as NodeJS.ErrnoException).code !== "ENOENT")
          await log(
            note("log.quarantine-failed", `could not quarantine the original: ${String(e)}`, {
              detail: String(e),
            }),
            "error",
          );
        quarantine = null;
      }
    }
    // A re-dropped identical file is its own state: the operator need not act, totals never count it.
    const status = error.code === "duplicate" ? "duplicate" : "failed";
    await jobs.update(job.id, {
      status,
      step: null,
      error_code: error.code,
      error_message: error.message,
      timeline: JSON.stringify(timeline),
      outputs: JSON.stringify({ ...outputs, ...(quarantine ? { quarantine } : {}) }),
      locked_by: null,
      locked_at: null,
      ...(quarantine ? { final_path: quarantine, work_path: null } : {}),
    });
    events.emit({ type: "job", id: job.id, status, step: null });
    if (this.deps.onFailed && !job.import_mode) {
      const fresh = (await jobs.get(job.id)) ?? job;
      await this.deps.onFailed(fresh, settings).catch(() => {});
    }
  }
}
