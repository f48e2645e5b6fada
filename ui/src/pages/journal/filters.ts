// The journal's filters live in the URL (bookmarkable, shareable). Without `from` the journal
// shows the last 60 days; an empty `from=` means "from the beginning".
import { queryString } from "../../lib/router.tsx";

export interface JournalFilter {
  from: string;
  to: string;
  press: string;
  bureau: string;
  q: string;
  status: string;
  /** Only jobs that need a look. */
  attention: boolean;
  offset: number;
}

export const PAGE_SIZE = 100;
export const DEFAULT_DAYS = 60;

/** A local calendar day as YYYY-MM-DD. */
export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function defaultFrom(now = new Date()): string {
  const d = new Date(now);
  d.setDate(d.getDate() - DEFAULT_DAYS);
  return isoDay(d);
}

export function readFilter(search: URLSearchParams): JournalFilter {
  const g = (k: string) => search.get(k) ?? "";
  return {
    from: search.has("from") ? g("from") : defaultFrom(),
    to: g("to"),
    press: g("press"),
    bureau: g("bureau"),
    q: g("q"),
    status: g("status"),
    attention: search.get("attention") === "1",
    offset: Math.max(0, Number(search.get("offset")) || 0),
  };
}

/** The page's own URL for a filter; `from` is always written so "all dates" survives a reload. */
export function journalUrl(f: JournalFilter): string {
  const rest = queryString({
    to: f.to,
    press: f.press,
    bureau: f.bureau,
    q: f.q,
    status: f.status,
    attention: f.attention ? "1" : null,
    offset: f.offset || null,
  });
  const from = `from=${encodeURIComponent(f.from)}`;
  return `/?${from}${rest ? `&${rest.slice(1)}` : ""}`;
}

/** The API's query for a filter (the same one the CSV/XLSX links use). */
export function apiQuery(f: JournalFilter, extra: Record<string, string | number> = {}): string {
  return queryString({
    from: f.from,
    to: f.to,
    press: f.press,
    bureau: f.bureau,
    q: f.q,
    status: f.status,
    ...(f.attention ? { attention: "1" } : {}),
    ...extra,
  });
}
