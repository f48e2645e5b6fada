// The API's shapes, taken from the server's own types so the UI breaks at type-check time when
// the contract changes (type-only imports: nothing of the server reaches the bundle).
import type { Analysis, Sheet } from "../../../src/analysis/types.ts";
import type { DiskReport } from "../../../src/app/disk-report.ts";
import type { Settings } from "../../../src/config/settings-schema.ts";
import type { DeliveryView, JobView, TimelineEntry } from "../../../src/store/jobs.repository.ts";
import type { Note } from "../../../src/util/note.ts";
import type { YearReport } from "../../../src/web/routes/reports.routes.ts";

export type { Analysis, DeliveryView, DiskReport, JobView, Note, Settings, Sheet, TimelineEntry, YearReport };

export type Role = "viewer" | "operator" | "admin";

export interface User {
  id: number;
  name: string;
  role: Role;
  createdAt?: string;
  /** Cannot log in (admin's user list only). */
  disabled?: boolean;
}

export interface Me {
  user: User | null;
  csrf: string | null;
  journalPrivate: boolean;
  /** The shop's currency (ISO 4217); absent from an older server. */
  currency?: string;
}

export interface PressTotal {
  press: string | null;
  jobs: number;
  plates: number;
  areaM2: number;
  money: number;
}

export interface JobList {
  total: number;
  limit: number;
  offset: number;
  totals: PressTotal[];
  jobs: JobView[];
}

export interface NotificationView {
  event: string;
  recipient: string;
  channel: string;
  ok: boolean;
  reply: string | null;
  error: string | null;
  at: string;
}

export interface LogLine {
  at: string;
  level: string;
  /** English text; `said` the same as a note when the server made the line from one. */
  msg: string;
  said?: Note;
}

export type JobDetail = JobView & { notifications: NotificationView[]; log: LogLine[] };

export interface Reports {
  current: YearReport;
  previous: YearReport;
}

export interface Lookups {
  presses: string[];
  bureaus: string[];
}

export interface AuditRow {
  id: number;
  at: string;
  user_name: string | null;
  action: string;
  detail: string | null;
}

export type LiveEvent =
  | { type: "job"; id: number; status: string; step: string | null }
  | { type: "log"; id: number; at: string; level: string; msg: string; said?: Note }
  | { type: "delivery"; id: number; jobId: number; state: string };
