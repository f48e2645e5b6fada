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
  if (free === null || free >= neededBytes) return;
  throw new DiskFullError(
    `disk full: ${doing} needs about ${mb(neededBytes)} free in ${dir}, ${mb(free)} is free`,
    { dir, freeBytes: free, neededBytes },
  );
}
