// Moving originals between hot folder, work, archive and quarantine. A file is never removed from
// where it was until its copy is complete on disk.
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { fitName, NAME_MAX_BYTES, wrapName } from "../util/name-bytes.ts";

/** Beside each quarantined original: why it is there. */
export const REASON = ".reason.txt";

export async function moveFile(from: string, to: string): Promise<void> {
  await fsp.mkdir(path.dirname(to), { recursive: true });
  try {
    await fsp.rename(from, to);
    return;
  } catch (e) {
    // Different file systems (a mounted share): copy, flush, then remove the source.
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
  }
  await copyDurably(from, to);
  await fsp.unlink(from);
}

export async function copyDurably(from: string, to: string): Promise<void> {
  await fsp.mkdir(path.dirname(to), { recursive: true });
  const tmp = path.join(path.dirname(to), wrapName("", path.basename(to), `.${process.pid}.part`));
  try {
    await pipeline(fs.createReadStream(from), fs.createWriteStream(tmp));
    const fh = await fsp.open(tmp, "r+");
    await fh.sync();
    await fh.close();
    await fsp.rename(tmp, to);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

/**
 * `dir/name`, or `dir/name (2)` etc. when taken, so nothing is overwritten; the name fitted to
 * `maxBytes` (less when a companion file adds its own suffix, as `.reason.txt` does).
 */
export async function freeName(dir: string, name: string, maxBytes = NAME_MAX_BYTES): Promise<string> {
  for (let i = 1; ; i++) {
    const candidate = path.join(dir, fitName(name, maxBytes, i === 1 ? "" : ` (${i})`));
    try {
      await fsp.access(candidate);
    } catch {
      return candidate;
    }
  }
}

export async function sha256File(file: string): Promise<string> {
  const h = crypto.createHash("sha256");
  await pipeline(fs.createReadStream(file), h);
  return h.digest("hex");
}

/**
 * A file name safe to use as one path component: no separators, no `..`, no control characters,
 * at most `maxBytes` bytes (extension kept).
 */
export function safeComponent(name: string, maxBytes = NAME_MAX_BYTES): string {
  const base = name
    .replace(/[\\/]/g, "_")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
    .replace(/[\u0000-\u001f]/g, "")
    .trim();
  if (!base || base === "." || base === "..") return "file";
  return fitName(base, maxBytes);
}
