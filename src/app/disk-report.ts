// The disk as /api/health and the UI's banner see it: which data directories are short of room,
// how many jobs wait for space and whether journal lines are still held back for the database.
import path from "node:path";
import type { DataPaths } from "../config/runtime.ts";
import { currentShortfalls, freeBytes, LOW_WATER_BYTES } from "../files/disk-space.ts";
import type { JobsRepository } from "../store/jobs.repository.ts";

export interface DiskDir {
  /** What the directory holds: work (originals, scratch), proofs, archive, database… */
  role: string;
  dir: string;
  freeBytes: number | null;
  /** What a waiting job needs there, when it said. */
  neededBytes: number | null;
}

export interface DiskReport {
  full: boolean;
  /** The directories short of room (empty when all is well). */
  dirs: DiskDir[];
  /** Jobs waiting for space, and the first of them (ids only: health is public, file names are not). */
  waiting: number;
  waitingJobs: number[];
  /** Journal lines kept in memory until the database can take them. */
  journalBacklog: number;
}

export async function diskReport(
  paths: DataPaths,
  jobs: JobsRepository,
  engine: "sqlite" | "postgres",
): Promise<DiskReport> {
  const roles: [string, string][] = [
    ["work", paths.work],
    ["proofs", paths.proofs],
    ["archive", paths.archive],
    ["input", paths.input],
    ["quarantine", paths.quarantine],
    ...(engine === "sqlite" ? ([["database", path.dirname(paths.sqlite)]] as [string, string][]) : []),
  ];
  const short = await currentShortfalls();
  const dirs: DiskDir[] = [];
  for (const [role, dir] of roles) {
    const free = await freeBytes(dir);
    const within = short.filter(
      (s) => s.dir === path.resolve(dir) || s.dir.startsWith(`${path.resolve(dir)}/`),
    );
    const need = within.length ? Math.max(...within.map((s) => s.neededBytes ?? 0)) || null : null;
    if (free !== null && free >= Math.max(LOW_WATER_BYTES, need ?? 0)) continue;
    dirs.push({ role, dir, freeBytes: free, neededBytes: need });
  }
  // A shortfall met elsewhere (a job's own scratch folder inside work/, a target folder).
  for (const s of short) {
    if (dirs.some((d) => s.dir === path.resolve(d.dir) || s.dir.startsWith(`${path.resolve(d.dir)}/`)))
      continue;
    const role = roles.find(([, d]) => s.dir.startsWith(`${path.resolve(d)}/`))?.[0] ?? "other";
    dirs.push({ role, dir: s.dir, freeBytes: s.freeBytes, neededBytes: s.neededBytes });
  }
  const waiting = await jobs.waitingForDisk().catch(() => ({ total: 0, ids: [] }));
  const journalBacklog = jobs.logBacklog;
  return {
    full: dirs.length > 0 || waiting.total > 0,
    dirs,
    waiting: waiting.total,
    waitingJobs: waiting.ids,
    journalBacklog,
  };
}
