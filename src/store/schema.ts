// Row types of the database, shared by SQLite and PostgreSQL. JSON columns hold text; times are
// ISO-8601 UTC strings so they compare and sort the same on both engines.
import type { Generated } from "kysely";

/**
 * `duplicate`: refused because the same file was already processed; not a failure (no quarantine alarm,
 * not counted as failed). `needs-bureau`: analysed and rendered, but no configured bureau was found: it
 * waits (original archived, nothing sent) until the operator picks one on the job page.
 */
export type JobStatus = "queued" | "processing" | "done" | "failed" | "duplicate" | "needs-bureau";
export const JOB_STATUSES: readonly JobStatus[] = [
  "queued",
  "processing",
  "done",
  "failed",
  "duplicate",
  "needs-bureau",
];
export type DeliveryState = "pending" | "sent" | "failed" | "skipped";

export interface JobsTable {
  id: Generated<number>;
  created_at: string;
  updated_at: string;
  /** When the file was made: now, or the file's mtime in import mode. */
  file_date: string;
  file_name: string;
  name_lc: string;
  source: string;
  source_path: string | null;
  status: JobStatus;
  step: string | null;
  error_code: string | null;
  error_message: string | null;
  hash: string | null;
  size: number | null;
  mtime_ms: number | null;
  import_mode: number;
  duplicate_of: number | null;
  default_bureau: string | null;
  work_path: string | null;
  final_path: string | null;
  analysis: string | null;
  outputs: string | null;
  timeline: string;
  attempts: number;
  run_after: string;
  locked_by: string | null;
  locked_at: string | null;
  press: string | null;
  bureau: string | null;
  order_no: string | null;
  pages: number | null;
  plates: number | null;
  plate_area_m2: number | null;
  money: number | null;
  /** Comma-joined reasons a job needs a look (see analysis/attention.ts); null when none. */
  attention: Generated<string | null>;
  /** JSON list of what a done job lacks or should tell (see pipeline/job-warnings.ts); null when none. */
  warnings: Generated<string | null>;
}

export interface DeliveriesTable {
  id: Generated<number>;
  job_id: number;
  kind: "bureau" | "press";
  target: string;
  remote_dir: string;
  remote_name: string;
  local_path: string;
  state: DeliveryState;
  attempts: number;
  next_at: string | null;
  error: string | null;
  reply: string | null;
  sent_at: string | null;
  /** The worker (`host:pid`) whose try is under way; left set by a sender that was killed. */
  sending_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface NotificationsTable {
  id: Generated<number>;
  job_id: number;
  event: string;
  recipient: string;
  channel: string;
  ok: number;
  reply: string | null;
  error: string | null;
  created_at: string;
}

export interface JobLogTable {
  id: Generated<number>;
  job_id: number;
  at: string;
  level: string;
  msg: string;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface UsersTable {
  id: Generated<number>;
  name: string;
  password_hash: string;
  role: "viewer" | "operator" | "admin";
  created_at: string;
  /** 1: cannot log in (0005). */
  disabled: Generated<number>;
}

export interface SessionsTable {
  token_hash: string;
  user_id: number;
  csrf: string;
  created_at: string;
  expires_at: string;
}

export interface AuditTable {
  id: Generated<number>;
  at: string;
  user_name: string | null;
  action: string;
  detail: string | null;
}

export interface DB {
  jobs: JobsTable;
  deliveries: DeliveriesTable;
  notifications: NotificationsTable;
  job_log: JobLogTable;
  settings: SettingsTable;
  users: UsersTable;
  sessions: SessionsTable;
  audit: AuditTable;
}
