// The quarantine keeps refused originals (with their `.reason.txt`) so nothing is lost, but refused
// 2 GB uploads must not fill the disk: files past `journal.quarantineDays`, and the oldest while
// the folder is over `journal.quarantineMaxMb`, are removed — never without notice. A sweep first
// announces what is due (log, the job's journal, `/api/health`) and records when in
// `quarantine/.cleanup.json`; a later sweep removes it once `quarantineNoticeHours` have passed
// and it is still due. Lifting a limit in the meantime keeps the file.
import fsp from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import type { DataPaths } from "../config/runtime.ts";
import type { JobsRepository } from "../store/jobs.repository.ts";
import { note } from "../util/note.ts";
import { REASON } from "./move.ts";

export interface QuarantineLimits {
  quarantineDays: number;
  quarantineMaxMb: number;
  quarantineNoticeHours: number;
}

export interface QuarantineNotice {
  /** When each file due for removal was announced, by file name. */
  noticed: Record<string, { at: string; why: "age" | "size" }>;
}

export interface QuarantineState {
  files: number;
  bytes: number;
  /** Announced, removed after `removeAfter` unless a limit changes. */
  pending: { name: string; why: "age" | "size"; removeAfter: string }[];
  removed: string[];
}

const NOTICE_FILE = ".cleanup.json";

export async function readQuarantineNotice(paths: DataPaths): Promise<QuarantineNotice> {
  try {
    const raw = JSON.parse(await fsp.readFile(path.join(paths.quarantine, NOTICE_FILE), "utf8"));
    return raw && typeof raw.noticed === "object" ? raw : { noticed: {} };
  } catch {
    return { noticed: {} };
  }
}

/** Files in the quarantine: the original's size plus its reason, quarantined when the reason was written. */
async function entries(dir: string) {
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  const out: { name: string; bytes: number; at: number }[] = [];
  for (const name of names) {
    if (name.endsWith(REASON) || name === NOTICE_FILE || name.endsWith(".part")) continue;
    const st = await fsp.stat(path.join(dir, name)).catch(() => null);
    if (!st?.isFile()) continue;
    const reason = await fsp.stat(path.join(dir, name + REASON)).catch(() => null);
    out.push({ name, bytes: st.size + (reason?.size ?? 0), at: (reason ?? st).mtimeMs });
  }
  return out.sort((a, b) => a.at - b.at || a.name.localeCompare(b.name));
}

const jobOf = (name: string) => {
  const m = /^(\d+)_/.exec(name);
  return m ? Number(m[1]) : null;
};

export async function sweepQuarantine(
  deps: { jobs: JobsRepository; paths: DataPaths; logger: Logger },
  limits: QuarantineLimits,
  now = Date.now(),
): Promise<QuarantineState> {
  const { jobs, paths, logger } = deps;
  const dir = paths.quarantine;
  const all = await entries(dir);
  const due = new Map<string, "age" | "size">();
  if (limits.quarantineDays > 0) {
    const before = now - limits.quarantineDays * 86400_000;
    for (const e of all) if (e.at < before) due.set(e.name, "age");
  }
  if (limits.quarantineMaxMb > 0) {
    let total = all.reduce((n, e) => n + e.bytes, 0);
    const max = limits.quarantineMaxMb * 1024 * 1024;
    for (const e of all) {
      if (total <= max) break;
      if (!due.has(e.name)) due.set(e.name, "size");
      total -= e.bytes;
    }
  }

  const before = await readQuarantineNotice(paths);
  const notice: QuarantineNotice = { noticed: {} };
  const noticeMs = limits.quarantineNoticeHours * 3600_000;
  const state: QuarantineState = { files: all.length, bytes: 0, pending: [], removed: [] };
  const announced: string[] = [];
  for (const [name, why] of due) {
    const seen = before.noticed[name];
    if (seen && now - Date.parse(seen.at) >= noticeMs) {
      await fsp.rm(path.join(dir, name), { force: true });
      await fsp.rm(path.join(dir, name + REASON), { force: true });
      state.removed.push(name);
      const id = jobOf(name);
      if (id !== null && (await jobs.get(id))) {
        await jobs.log(
          id,
          "warn",
          note(
            "log.quarantine-removed",
            `quarantined original removed (${why === "age" ? "too old" : "quarantine full"})`,
            {
              why,
            },
          ),
        );
        const row = await jobs.get(id);
        if (row?.final_path && path.basename(row.final_path) === name)
          await jobs.update(id, { final_path: null });
      }
      continue;
    }
    const at = seen?.at ?? new Date(now).toISOString();
    notice.noticed[name] = { at, why };
    const removeAfter = new Date(Date.parse(at) + noticeMs).toISOString();
    state.pending.push({ name, why, removeAfter });
    if (!seen) {
      announced.push(name);
      const id = jobOf(name);
      if (id !== null && (await jobs.get(id)))
        await jobs.log(
          id,
          "warn",
          note(
            "log.quarantine-notice",
            `quarantined original will be removed after ${removeAfter} (${why === "age" ? `older than ${limits.quarantineDays} days` : `quarantine over ${limits.quarantineMaxMb} MB`})`,
            { at: removeAfter, why, days: limits.quarantineDays, mb: limits.quarantineMaxMb },
          ),
        );
    }
  }
  state.files -= state.removed.length;
  state.bytes = all.filter((e) => !state.removed.includes(e.name)).reduce((n, e) => n + e.bytes, 0);
  if (announced.length)
    logger.warn(
      { files: announced, removeAfter: state.pending.find((p) => p.name === announced[0])?.removeAfter },
      `quarantine: ${announced.length} file(s) will be removed after the notice period unless the limits are raised`,
    );
  if (state.removed.length) logger.info({ files: state.removed }, "quarantine: announced files removed");
  if (announced.length || state.removed.length || Object.keys(before.noticed).length) {
    await fsp.mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `${NOTICE_FILE}.${process.pid}.part`);
    await fsp.writeFile(tmp, JSON.stringify(notice));
    await fsp.rename(tmp, path.join(dir, NOTICE_FILE));
  }
  return state;
}
