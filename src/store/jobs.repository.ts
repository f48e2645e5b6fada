// The journal: jobs, their deliveries, notifications and log lines. All SQL about jobs is here.

import { type Kysely, type Selectable, sql } from "kysely";
import { type AttentionReason, parseAttention } from "../analysis/attention.ts";
import type { JobWarning } from "../analysis/job-warnings.ts";
import type { Analysis } from "../analysis/types.ts";
import type { StageTime } from "../pipeline/stages.ts";
import { type Note, note, noteFromColumn, noteToColumn } from "../util/note.ts";
import { isoIn, nowIso } from "../util/time.ts";
import type { DB, DeliveriesTable, JobStatus, JobsTable, NotificationsTable } from "./schema.ts";

/** Longer than any delay the runner schedules (backoff caps at 10 min): see claimNext. */
const JOB_DELAY_MAX_MS = 15 * 60_000;
/** Longer than any delivery delay (backoff caps at 30 min, a claim holds 15 min). */
const DELIVERY_DELAY_MAX_MS = 35 * 60_000;

export type JobRow = Selectable<JobsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type NotificationRow = Selectable<NotificationsTable>;

export interface TimelineEntry {
  step: string;
  /** `waiting`: the step needs a person (the job's status says what), and runs again after. */
  status: "ok" | "failed" | "retry" | "waiting";
  startedAt: string;
  ms: number;
  /** English words of what the step did (for the log and old rows); `said` is the same as a note. */
  info?: string;
  said?: Note;
  /** `reason`: a refusal's note (AnalysisError), kept with the step that refused. */
  error?: { code: string; message: string; reason?: Note };
  /** Where the step's time went (stages may overlap: parallel lanes); see pipeline/stages.ts. */
  stages?: StageTime[];
}

export interface NewJob {
  /** Not runnable before this time (intake holds a job while it moves the file in). */
  runAfter?: string;
  fileName: string;
  source: string;
  sourcePath: string | null;
  size?: number | null;
  mtimeMs?: number | null;
  hash?: string | null;
  importMode?: boolean;
  defaultBureau?: string | null;
  fileDate?: string;
}

export interface JobFilter {
  from?: string;
  to?: string;
  press?: string;
  bureau?: string;
  q?: string;
  status?: JobStatus;
  /** Only jobs that need a look (not Signa, a fallback, warnings). */
  attention?: boolean;
  limit?: number;
  offset?: number;
  /** Oldest first (print view). */
  ascending?: boolean;
}

/** The public shape of a job (API, CLI, UI). */
export interface JobView {
  id: number;
  createdAt: string;
  updatedAt: string;
  fileDate: string;
  file: string;
  source: string;
  status: JobStatus;
  step: string | null;
  /** `message` in English; `reason` what went wrong as a note the UI words (absent when unknown). */
  error: { code: string; message: string; reason?: Note } | null;
  duplicateOf: number | null;
  importMode: boolean;
  order: string | null;
  press: string | null;
  bureau: string | null;
  pages: number | null;
  plates: number | null;
  plateAreaM2: number | null;
  money: number | null;
  hash: string | null;
  size: number | null;
  /** Why the job needs a look; empty when it does not. */
  attention: AttentionReason[];
  /** What the done job lacks or should tell, as codes the UI words (see pipeline/job-warnings.ts). */
  warnings: JobWarning[];
  timeline: TimelineEntry[];
  analysis: Analysis | null;
  outputs: JobOutputs | null;
  deliveries: DeliveryView[];
}

export interface JobOutputs {
  preview?: string | null;
  pages?: {
    page: number;
    proof: string | null;
    thumbnail: string | null;
    /** A string in rows written before warnings had codes. */
    warning?: Note | string;
    /** What this sheet lacks: its render failed (the job is done and says so). */
    missing?: string[];
    /** The sheet's CIP3 PPF (its press has ink zones on). */
    ppf?: string;
  }[];
  engine?: string;
  archive?: string | null;
  quarantine?: string | null;
  [k: string]: unknown;
}

export interface DeliveryView {
  id: number;
  kind: "bureau" | "press";
  target: string;
  remotePath: string;
  state: DeliveriesTable["state"];
  attempts: number;
  nextAt: string | null;
  /** English words; `errorNote` is the same as a note when the server made the reason (a skip, a lost target). */
  error: string | null;
  errorNote?: Note;
  reply: string | null;
  sentAt: string | null;
}

const json = <T>(v: string | null): T | null => (v ? (JSON.parse(v) as T) : null);

function deliveryError(column: string | null): Pick<DeliveryView, "error" | "errorNote"> {
  const { text, note } = noteFromColumn(column);
  return note ? { error: text, errorNote: note } : { error: text };
}

export function deliveryView(d: DeliveryRow): DeliveryView {
  return {
    id: d.id,
    kind: d.kind,
    target: d.target,
    remotePath: d.remote_dir ? `${d.remote_dir.replace(/\/+$/, "")}/${d.remote_name}` : d.remote_name,
    state: d.state,
    attempts: d.attempts,
    nextAt: d.next_at,
    ...deliveryError(d.error),
    reply: d.reply,
    sentAt: d.sent_at,
  };
}

/** The job's error with its reason as a note: the analysis's own for a refusal, the earlier job for a duplicate. */
function jobError(r: JobRow): NonNullable<JobView["error"]> {
  const error = { code: r.error_code ?? "", message: r.error_message ?? "" };
  const analysis = json<Analysis>(r.analysis);
  if (analysis?.error?.reason && analysis.error.code === error.code)
    return { ...error, reason: analysis.error.reason };
  if (error.code === "duplicate" && r.duplicate_of)
    return { ...error, reason: note("reason.duplicate-of", error.message, { job: r.duplicate_of }) };
  return error;
}

export function jobView(r: JobRow, deliveries: DeliveryRow[] = []): JobView {
  return {
    id: r.id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    fileDate: r.file_date,
    file: r.file_name,
    source: r.source,
    status: r.status,
    step: r.step,
    error: r.error_code ? jobError(r) : null,
    duplicateOf: r.duplicate_of,
    importMode: !!r.import_mode,
    order: r.order_no,
    press: r.press,
    bureau: r.bureau,
    pages: r.pages,
    plates: r.plates,
    plateAreaM2: r.plate_area_m2,
    money: r.money,
    hash: r.hash,
    size: r.size,
    attention: parseAttention(r.attention),
    warnings: json<JobWarning[]>(r.warnings) ?? [],
    timeline: json<TimelineEntry[]>(r.timeline) ?? [],
    analysis: json<Analysis>(r.analysis),
    outputs: json<JobOutputs>(r.outputs),
    deliveries: deliveries.map(deliveryView),
  };
}

/** `2026-11-25` as the start of that day, or a full ISO time kept as is. */
function dayStart(d: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(d) ? `${d}T00:00:00.000Z` : d;
}
function dayEnd(d: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(d) ? `${d}T23:59:59.999Z` : d;
}
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The journal's name filter: words that must all occur in the file name, each negated by a leading
 * `-` (`меню -leonov`: "меню" and not "leonov"). A lone `-` is no word.
 */
export function nameWords(q: string | undefined): { text: string; negate: boolean }[] {
  return (q ?? "")
    .toLowerCase()
    .split(/\s+/)
    .map((w) => (w.startsWith("-") ? { text: w.slice(1), negate: true } : { text: w, negate: false }))
    .filter((w) => w.text.length > 0);
}

/** Log lines kept in memory while the database cannot take them (disk full, restarting). */
const LOG_BACKLOG_MAX = 20_000;

type LogLine = { job_id: number; at: string; level: string; msg: string };

export class JobsRepository {
  private backlog: LogLine[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | null = null;
  private flushDelayMs = 1000;

  constructor(readonly db: Kysely<DB>) {}

  async create(j: NewJob): Promise<JobRow> {
    const at = nowIso();
    return this.db
      .insertInto("jobs")
      .values({
        created_at: at,
        updated_at: at,
        file_date: j.fileDate ?? at,
        file_name: j.fileName,
        name_lc: j.fileName.toLowerCase(),
        source: j.source,
        source_path: j.sourcePath,
        status: "queued",
        size: j.size ?? null,
        mtime_ms: j.mtimeMs ?? null,
        hash: j.hash ?? null,
        import_mode: j.importMode ? 1 : 0,
        default_bureau: j.defaultBureau ?? null,
        timeline: "[]",
        attempts: 0,
        run_after: j.runAfter ?? at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  get(id: number): Promise<JobRow | undefined> {
    return this.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async update(id: number, patch: Partial<Omit<JobRow, "id">>): Promise<void> {
    await this.db
      .updateTable("jobs")
      .set({ ...patch, updated_at: nowIso() })
      .where("id", "=", id)
      .execute();
  }

  async remove(id: number): Promise<void> {
    await this.db.deleteFrom("jobs").where("id", "=", id).execute();
  }

  /**
   * Takes the next due job for one worker. The claim is one UPDATE so two workers (or two
   * processes on PostgreSQL, with SKIP LOCKED) never take the same job.
   */
  async claimNext(workerId: string, engine: "sqlite" | "postgres"): Promise<JobRow | null> {
    const at = nowIso();
    // No retry is ever scheduled further out than the runner's longest backoff (10 min): a run_after
    // beyond that was written before the clock jumped back, and is due now rather than hours late.
    const beyond = isoIn(JOB_DELAY_MAX_MS);
    const lock = engine === "postgres" ? sql`for update skip locked` : sql``;
    const r = await sql<JobRow>`
      update jobs set status = 'processing', locked_by = ${workerId}, locked_at = ${at}, updated_at = ${at}
      where id = (select id from jobs where status = 'queued' and (run_after <= ${at} or run_after > ${beyond}) order by run_after, id limit 1 ${lock})
      and status = 'queued'
      returning *`.execute(this.db);
    return r.rows[0] ?? null;
  }

  /** After a crash, jobs a dead worker held go back to the queue; they resume from their last step. */
  async requeueInterrupted(workerPrefix?: string): Promise<number> {
    let q = this.db
      .updateTable("jobs")
      .set({ status: "queued", locked_by: null, locked_at: null, updated_at: nowIso() })
      .where("status", "=", "processing");
    if (workerPrefix) q = q.where("locked_by", "like", `${workerPrefix}%`);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async counts(): Promise<Record<JobStatus, number>> {
    const rows = await this.db
      .selectFrom("jobs")
      .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("status")
      .execute();
    const out: Record<JobStatus, number> = {
      queued: 0,
      processing: 0,
      done: 0,
      failed: 0,
      duplicate: 0,
      "needs-bureau": 0,
    };
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }

  /** Jobs waiting for disk space (error code 'disk-full'), the oldest first. */
  async waitingForDisk(limit = 20): Promise<{ total: number; ids: number[] }> {
    const rows = await this.db
      .selectFrom("jobs")
      .select("id")
      .where("status", "in", ["queued", "processing"])
      .where("error_code", "=", "disk-full")
      .orderBy("id")
      .execute();
    return {
      total: rows.length,
      ids: rows.slice(0, limit).map((r) => r.id),
    };
  }

  /** A queued job for the same file (path + size + mtime): a watcher event seen twice. */
  async findQueuedSame(sourcePath: string, size: number, mtimeMs: number): Promise<JobRow | undefined> {
    return this.db
      .selectFrom("jobs")
      .selectAll()
      .where("source_path", "=", sourcePath)
      .where("size", "=", size)
      .where("mtime_ms", "=", mtimeMs)
      .where("status", "in", ["queued", "processing"])
      .executeTakeFirst();
  }

  /** A row shown for a hot-folder file still waiting to be complete (not moved in yet). */
  findWaiting(sourcePath: string): Promise<JobRow | undefined> {
    return this.db
      .selectFrom("jobs")
      .selectAll()
      .where("source_path", "=", sourcePath)
      .where("status", "=", "queued")
      .where("step", "=", "incomplete")
      .where("work_path", "is", null)
      .executeTakeFirst();
  }

  /** The first earlier job that read the same content (a re-dropped identical file). */
  async findEarlierByHash(hash: string, beforeId: number, sinceIso: string): Promise<JobRow | undefined> {
    return this.db
      .selectFrom("jobs")
      .selectAll()
      .where("hash", "=", hash)
      .where("id", "<", beforeId)
      .where("status", "=", "done")
      .where("created_at", ">=", sinceIso)
      .orderBy("id")
      .executeTakeFirst();
  }

  private filtered(f: JobFilter) {
    let q = this.db.selectFrom("jobs");
    if (f.from) q = q.where("file_date", ">=", dayStart(f.from));
    if (f.to) q = q.where("file_date", "<=", dayEnd(f.to));
    if (f.press) q = q.where("press", "=", f.press);
    if (f.bureau) q = q.where("bureau", "=", f.bureau);
    if (f.status) q = q.where("status", "=", f.status);
    if (f.attention) q = q.where("attention", "is not", null);
    for (const w of nameWords(f.q)) {
      const needle = `%${likeEscape(w.text)}%`;
      q = w.negate
        ? q.where(sql<boolean>`name_lc not like ${needle} escape '\\'`)
        : q.where(sql<boolean>`name_lc like ${needle} escape '\\'`);
    }
    return q;
  }

  async list(f: JobFilter): Promise<{ total: number; rows: JobRow[] }> {
    const limit = Math.min(Math.max(f.limit ?? 100, 1), 100_000);
    const dir = f.ascending ? "asc" : "desc";
    const [rows, total] = await Promise.all([
      this.filtered(f)
        .selectAll()
        .orderBy("file_date", dir)
        .orderBy("id", dir)
        .limit(limit)
        .offset(f.offset ?? 0)
        .execute(),
      this.filtered(f)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirst(),
    ]);
    return { total: Number(total?.n ?? 0), rows };
  }

  /** Plates, m² of plate and money per press for the rows a filter selects. */
  async totals(
    f: JobFilter,
  ): Promise<{ press: string | null; jobs: number; plates: number; areaM2: number; money: number }[]> {
    const rows = await this.filtered(f)
      .select([
        "press",
        (eb) => eb.fn.countAll<number>().as("jobs"),
        (eb) => eb.fn.coalesce(eb.fn.sum<number>("plates"), sql<number>`0`).as("plates"),
        (eb) => eb.fn.coalesce(eb.fn.sum<number>("plate_area_m2"), sql<number>`0`).as("area"),
        (eb) => eb.fn.coalesce(eb.fn.sum<number>("money"), sql<number>`0`).as("money"),
      ])
      .where("status", "=", "done")
      .groupBy("press")
      .orderBy("press")
      .execute();
    return rows.map((r) => ({
      press: r.press,
      jobs: Number(r.jobs),
      plates: Number(r.plates),
      areaM2: Number(r.area),
      money: Number(r.money),
    }));
  }

  /** Per month and press for one year: plates, m² and money as booked at the time. */
  async monthly(year: number) {
    const rows = await this.db
      .selectFrom("jobs")
      .select([
        sql<string>`substr(file_date, 1, 7)`.as("month"),
        "press",
        (eb) => eb.fn.coalesce(eb.fn.sum<number>("plates"), sql<number>`0`).as("plates"),
        (eb) => eb.fn.coalesce(eb.fn.sum<number>("plate_area_m2"), sql<number>`0`).as("area"),
        (eb) => eb.fn.coalesce(eb.fn.sum<number>("money"), sql<number>`0`).as("money"),
      ])
      .where("status", "=", "done")
      .where("file_date", ">=", `${year}-01-01`)
      .where("file_date", "<", `${year + 1}-01-01`)
      .groupBy([sql`substr(file_date, 1, 7)`, "press"])
      .execute();
    return rows.map((r) => ({
      month: Number(r.month.slice(5, 7)),
      press: r.press,
      plates: Number(r.plates),
      areaM2: Number(r.area),
      money: Number(r.money),
    }));
  }

  // --- log -----------------------------------------------------------------------------------
  /**
   * Appends to a job's log. When the database cannot take the line (full disk, restarting), it is
   * kept, in order, and written as soon as the database answers again: never silently dropped.
   */
  async log(jobId: number, level: string, line: string | Note): Promise<void> {
    if (this.backlog.length >= LOG_BACKLOG_MAX) this.backlog.shift();
    // A note is stored as one (logLines gives it back for the UI to word).
    const msg = typeof line === "string" ? line : noteToColumn(line);
    this.backlog.push({ job_id: jobId, at: nowIso(), level, msg });
    await this.flushLog();
  }

  /** Log lines still waiting for the database. */
  get logBacklog(): number {
    return this.backlog.length;
  }

  /** Writes the kept log lines; resolves once tried (a failure schedules the next try). */
  flushLog(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      while (this.backlog.length) {
        const batch = this.backlog.slice(0, 200);
        try {
          await this.db.insertInto("job_log").values(batch).execute();
          this.flushDelayMs = 1000;
        } catch (e) {
          // A line about a job deleted meanwhile can never be written; anything else waits.
          if (!/CONSTRAINT|^23/.test(String((e as { code?: unknown }).code ?? ""))) {
            this.scheduleFlush();
            return;
          }
          for (const line of batch) {
            try {
              await this.db.insertInto("job_log").values(line).execute();
            } catch {}
          }
        }
        this.backlog.splice(0, batch.length);
      }
    });
    return this.flushing;
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flushLog();
    }, this.flushDelayMs);
    this.flushTimer.unref();
    this.flushDelayMs = Math.min(this.flushDelayMs * 2, 30_000);
  }

  /** The job's log; a line stored as a note reads as its English text with the note beside it. */
  async logLines(jobId: number): Promise<{ at: string; level: string; msg: string; said?: Note }[]> {
    const rows = await this.db
      .selectFrom("job_log")
      .select(["at", "level", "msg"])
      .where("job_id", "=", jobId)
      .orderBy("id")
      .execute();
    return rows.map((r) => {
      const { text, note } = noteFromColumn(r.msg);
      return note ? { ...r, msg: text ?? "", said: note } : r;
    });
  }

  // --- deliveries ----------------------------------------------------------------------------
  deliveries(jobId: number): Promise<DeliveryRow[]> {
    return this.db.selectFrom("deliveries").selectAll().where("job_id", "=", jobId).orderBy("id").execute();
  }

  async deliveriesFor(jobIds: number[]): Promise<Map<number, DeliveryRow[]>> {
    const out = new Map<number, DeliveryRow[]>();
    if (!jobIds.length) return out;
    const rows = await this.db
      .selectFrom("deliveries")
      .selectAll()
      .where("job_id", "in", jobIds)
      .orderBy("id")
      .execute();
    for (const r of rows) out.set(r.job_id, [...(out.get(r.job_id) ?? []), r]);
    return out;
  }

  delivery(id: number): Promise<DeliveryRow | undefined> {
    return this.db.selectFrom("deliveries").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async addDelivery(
    d: Omit<DeliveryRow, "id" | "created_at" | "updated_at" | "sending_by"> & { sending_by?: string | null },
  ): Promise<DeliveryRow> {
    const at = nowIso();
    return this.db
      .insertInto("deliveries")
      .values({ sending_by: null, ...d, created_at: at, updated_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async updateDelivery(id: number, patch: Partial<Omit<DeliveryRow, "id">>): Promise<void> {
    await this.db
      .updateTable("deliveries")
      .set({ ...patch, updated_at: nowIso() })
      .where("id", "=", id)
      .execute();
  }

  /** Deliveries waiting for a retry whose time has come. */
  dueDeliveries(limit = 20): Promise<DeliveryRow[]> {
    return this.db
      .selectFrom("deliveries")
      .selectAll()
      .where("state", "=", "pending")
      .where((eb) => eb.or([eb("next_at", "<=", nowIso()), eb("next_at", ">", isoIn(DELIVERY_DELAY_MAX_MS))]))
      .orderBy("next_at")
      .limit(limit)
      .execute();
  }

  /**
   * Marks a pending delivery as being sent by `holder`; null when another worker already took it.
   * `sending_by` stays set until the try's result is recorded, so `interrupted` names the sender of
   * a try that never recorded its end (killed): its file may be at the destination already.
   */
  async claimDelivery(
    id: number,
    holdMs: number,
    holder: string,
  ): Promise<{ interrupted: string | null } | null> {
    const before = await this.delivery(id);
    if (!before) return null;
    const prior = before.sending_by;
    const r = await this.db
      .updateTable("deliveries")
      .set({ next_at: new Date(Date.now() + holdMs).toISOString(), sending_by: holder, updated_at: nowIso() })
      .where("id", "=", id)
      .where("state", "=", "pending")
      .where((eb) => eb.or([eb("next_at", "<=", nowIso()), eb("next_at", ">", isoIn(DELIVERY_DELAY_MAX_MS))]))
      .where((eb) => (prior === null ? eb("sending_by", "is", null) : eb("sending_by", "=", prior)))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1 ? { interrupted: prior } : null;
  }

  /**
   * Extends the hold on a delivery being sent, while this try (`attempts` as claimed) is still the
   * current one: a renewal that lands after the try's result never moves its next retry.
   */
  async renewDeliveryHold(id: number, attempts: number, holdMs: number): Promise<void> {
    await this.db
      .updateTable("deliveries")
      .set({ next_at: new Date(Date.now() + holdMs).toISOString() })
      .where("id", "=", id)
      .where("state", "=", "pending")
      .where("attempts", "=", attempts)
      .execute();
  }

  /**
   * Deliveries whose sender is provably gone (`gone(holder)`): their hold is let go now, so a restarted
   * server checks them at once instead of after the hold runs out. `sending_by` stays: it tells the next
   * try that this one was in flight.
   */
  async releaseDeliveryHolds(gone: (holder: string) => boolean): Promise<number> {
    const rows = await this.db
      .selectFrom("deliveries")
      .select(["id", "sending_by"])
      .where("state", "=", "pending")
      .where("sending_by", "is not", null)
      .execute();
    let n = 0;
    for (const r of rows) {
      if (!gone(r.sending_by as string)) continue;
      const u = await this.db
        .updateTable("deliveries")
        .set({ next_at: nowIso(), updated_at: nowIso() })
        .where("id", "=", r.id)
        .where("sending_by", "=", r.sending_by)
        .where("state", "=", "pending")
        .executeTakeFirst();
      n += Number(u.numUpdatedRows);
    }
    return n;
  }

  // --- notifications -------------------------------------------------------------------------
  async addNotification(n: Omit<NotificationRow, "id" | "created_at">): Promise<void> {
    await this.db
      .insertInto("notifications")
      .values({ ...n, created_at: nowIso() })
      .execute();
  }

  notifications(jobId: number): Promise<NotificationRow[]> {
    return this.db
      .selectFrom("notifications")
      .selectAll()
      .where("job_id", "=", jobId)
      .orderBy("id")
      .execute();
  }
}
