// Embedded queue, several processes on one database: at start a worker hands back only the jobs
// whose holder is provably gone (same host, its process no longer runs pdfupload), never jobs a
// live worker holds. Holders on other hosts cannot be checked from here: multi-host setups use
// BullMQ, whose lock expiry does this job.
import fs from "node:fs";
import os from "node:os";
import type { JobsRepository } from "../store/jobs.repository.ts";
import { nowIso } from "../util/time.ts";

/** `host:pid[:n]` as context.ts and the embedded queue write it. */
export function parseHolder(lockedBy: string | null): { host: string; pid: number } | null {
  const m = /^([^:/]+):(\d+)(?::\d+)?$/.exec(lockedBy ?? "");
  return m ? { host: m[1], pid: Number(m[2]) } : null;
}

/** Whether `pid` on this host is a running pdfupload process other than this one. */
export function holderAlive(pid: number): boolean {
  if (pid === process.pid) return false; // a previous life of this process (containers reuse pids)
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return /pdfupload|vitest|tsx/.test(cmd);
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

export async function requeueStale(jobs: JobsRepository, host = os.hostname()): Promise<number> {
  const rows = await jobs.db
    .selectFrom("jobs")
    .select(["id", "locked_by"])
    .where("status", "=", "processing")
    .execute();
  let n = 0;
  for (const r of rows) {
    const holder = parseHolder(r.locked_by);
    if (holder && (holder.host !== host || holderAlive(holder.pid))) continue;
    let q = jobs.db
      .updateTable("jobs")
      .set({ status: "queued", locked_by: null, locked_at: null, updated_at: nowIso() })
      .where("id", "=", r.id)
      .where("status", "=", "processing");
    q = r.locked_by === null ? q.where("locked_by", "is", null) : q.where("locked_by", "=", r.locked_by);
    n += Number((await q.executeTakeFirst()).numUpdatedRows);
  }
  return n;
}
