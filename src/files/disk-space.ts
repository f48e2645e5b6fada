// A full disk, as every tool words it, and how much room a directory has. A full disk is never the
// file's fault: a job that meets one waits (without spending its retries) until there is room.
import fsp from "node:fs/promises";
import path from "node:path";

/** What a full disk looks like in errors and tool output: the OS, SQLite, libvips (sharp), FTP servers. */
const DISK_FULL_TEXT =
  /ENOSPC|EDQUOT|no space left|disk full|database or disk is full|quota exceeded|out of disk space|insufficient storage|SQLITE_FULL/i;
const DISK_FULL_CODES = new Set(["ENOSPC", "EDQUOT", "SQLITE_FULL", "disk-full"]);

/** The job cannot go on until this much room is free; it waits and goes on by itself. */
export class DiskFullError extends Error {
  readonly transient = true;
  readonly code = "disk-full";
  constructor(
    message: string,
    readonly room: { dir?: string; freeBytes?: number | null; neededBytes?: number } = {},
  ) {
    super(message);
    this.name = "DiskFullError";
  }
}

/** True when `e` (an error, or a tool's words) says the disk or the database file is full. */
export function isDiskFull(e: unknown): boolean {
  if (e === null || e === undefined) return false;
  if (typeof e === "string") return DISK_FULL_TEXT.test(e);
  if (typeof e !== "object") return false;
  const err = e as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof err.code === "string" && DISK_FULL_CODES.has(err.code)) return true;
  if (typeof err.message === "string" && DISK_FULL_TEXT.test(err.message)) return true;
  return err.cause !== undefined && err.cause !== e && isDiskFull(err.cause);
}

/** Bytes an unprivileged process may still write under `dir` (its nearest existing folder), or null. */
export async function freeBytes(dir: string): Promise<number | null> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const st = await fsp.statfs(d).catch(() => null);
    if (st) return st.bavail * st.bsize;
    if (path.dirname(d) === d) return null;
  }
}

export const mb = (bytes: number | null | undefined): string =>
  bytes === null || bytes === undefined ? "?" : `${(bytes / 1048576).toFixed(1)} MB`;

/**
 * Throws DiskFullError when `dir` has less than `neededBytes` free. The check comes before the work
 * (a check after it, once scratch files are gone, finds a disk that looks fine again).
 */
export async function ensureRoom(dir: string, neededBytes: number, doing: string): Promise<void> {
  const free = await freeBytes(dir);
  if (free === null || free >= neededBytes) {
    shortfalls.delete(path.resolve(dir));
    return;
  }
  noteShortfall({ dir, freeBytes: free, neededBytes });
  throw new DiskFullError(
    `disk full: ${doing} needs about ${mb(neededBytes)} free in ${dir}, ${mb(free)} is free`,
    { dir, freeBytes: free, neededBytes },
  );
}

/** Below this a directory counts as full even when no job said what it needs (the journal's reserve). */
export const LOW_WATER_BYTES = 16 << 20;

/** What a directory lacked when a job last met a full disk there, until it has the room again. */
export interface Shortfall {
  dir: string;
  neededBytes: number | null;
  at: string;
}

// Process-local: /api/health reports them (the jobs waiting in the database are counted beside).
const shortfalls = new Map<string, Shortfall>();

/** Remembers that `room.dir` had too little space (a job now waits for it). */
export function noteShortfall(room: DiskFullError["room"]): void {
  if (!room.dir) return;
  const dir = path.resolve(room.dir);
  const before = shortfalls.get(dir)?.neededBytes ?? null;
  const neededBytes = room.neededBytes ?? before;
  shortfalls.set(dir, { dir, neededBytes, at: new Date().toISOString() });
}

/** The directories still short of room; one that has what was needed again is forgotten. */
export async function currentShortfalls(): Promise<(Shortfall & { freeBytes: number | null })[]> {
  const out: (Shortfall & { freeBytes: number | null })[] = [];
  for (const s of [...shortfalls.values()]) {
    const free = await freeBytes(s.dir);
    if (free !== null && free >= (s.neededBytes ?? LOW_WATER_BYTES)) {
      shortfalls.delete(s.dir);
      continue;
    }
    out.push({ ...s, freeBytes: free });
  }
  return out;
}

/**
 * A tool's failure met while a directory it writes to has less than `neededBytes` left is taken
 * for a full disk, whatever the tool said (libvips, MuPDF and Ghostscript have words of their own
 * for a failed write). Measured at once: once the failed attempt's files are gone the disk looks
 * fine again. Returns `e` itself when it is not that.
 */
export async function diskFullOr(
  e: unknown,
  dirs: (string | null | undefined)[],
  neededBytes = LOW_WATER_BYTES,
) {
  if (isDiskFull(e) || (e as { code?: unknown })?.code === "render-aborted") return e;
  for (const dir of dirs) {
    if (!dir) continue;
    const free = await freeBytes(dir);
    if (free !== null && free < neededBytes)
      return new DiskFullError(
        `disk full: ${mb(free)} free in ${dir} when this failed: ${e instanceof Error ? e.message : String(e)}`,
        { dir, freeBytes: free, neededBytes },
      );
  }
  return e;
}
