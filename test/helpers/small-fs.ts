// Real small file systems for disk-full tests: tmpfs mounted over a data directory, grown or
// shrunk by remounting. Mounting needs root; CI runs as root, so there a failing mount fails the
// test instead of skipping it (asRoot is false only for a developer's unprivileged run).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";

/** Tests that mount run as root (CI); elsewhere they are skipped, never silently passed. */
export const asRoot = process.getuid?.() === 0;

const mounted = new Set<string>();

/** Mounts a tmpfs of `size` (e.g. "96k", "40m") over `dir`, hiding what was there. */
export function mountTmpfs(dir: string, size: string): void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0755`, "tmpfs", dir]);
  mounted.add(dir);
}

/** Gives the tmpfs at `dir` a new size (what it holds stays). */
export function resizeTmpfs(dir: string, size: string): void {
  execFileSync("mount", ["-o", `remount,size=${size}`, dir]);
}

export function unmount(dir: string): void {
  if (!mounted.has(dir)) return;
  execFileSync("umount", ["-l", dir]);
  mounted.delete(dir);
}

export function unmountAll(): void {
  for (const d of [...mounted]) unmount(d);
}

/** Writes a filler file until the file system at `dir` is full; returns its path (delete to free). */
export async function fillUp(dir: string, leaveBytes = 0): Promise<string> {
  const file = path.join(dir, `.filler-${process.pid}-${Date.now()}`);
  const st = await fsp.statfs(dir);
  const free = st.bavail * st.bsize - leaveBytes;
  const h = await fsp.open(file, "w");
  try {
    const chunk = Buffer.alloc(64 * 1024, 1);
    let written = 0;
    while (written < free) {
      const n = Math.min(chunk.length, free - written);
      try {
        await h.write(chunk, 0, n);
      } catch {
        break; // ENOSPC: full
      }
      written += n;
    }
  } finally {
    await h.close();
  }
  return file;
}
