// File names are limited to 255 BYTES by Linux, SMB and FTP servers, not 255 characters: 127
// Cyrillic letters already fill a name. Names we derive (a job-id prefix, " (2)", a temp suffix)
// are fitted by bytes, cut between characters, keeping the extension.
import crypto from "node:crypto";
import path from "node:path";

export const NAME_MAX_BYTES = 255;

export const byteLength = (s: string) => Buffer.byteLength(s, "utf8");

/** The longest start of `s` (whole code points) that fits in `max` bytes. */
export function cutToBytes(s: string, max: number): string {
  if (byteLength(s) <= max) return s;
  let out = "";
  let used = 0;
  for (const ch of s) {
    const n = byteLength(ch);
    if (used + n > max) break;
    out += ch;
    used += n;
  }
  return out;
}

/**
 * `stem + suffix + ext` within `max` bytes: the stem is shortened first, so the extension (and a
 * " (2)" or similar suffix) always survive. An extension longer than 16 bytes counts as stem.
 */
export function fitName(name: string, max = NAME_MAX_BYTES, suffix = ""): string {
  let ext = path.extname(name);
  if (byteLength(ext) > 16) ext = "";
  const stem = name.slice(0, name.length - ext.length);
  if (byteLength(stem) + byteLength(suffix) + byteLength(ext) <= max) return `${stem}${suffix}${ext}`;
  return `${cutToBytes(stem, Math.max(1, max - byteLength(suffix) - byteLength(ext)))}${suffix}${ext}`;
}

/**
 * `prefix + name + suffix` as one component within `max` bytes; when it does not fit, the name is
 * cut and a short hash of the whole name keeps different long names apart (same name, same result).
 */
export function wrapName(prefix: string, name: string, suffix: string, max = NAME_MAX_BYTES): string {
  const whole = `${prefix}${name}${suffix}`;
  if (byteLength(whole) <= max) return whole;
  const tag = `~${crypto.createHash("sha1").update(name).digest("hex").slice(0, 8)}`;
  return `${prefix}${cutToBytes(name, max - byteLength(prefix) - byteLength(suffix) - tag.length)}${tag}${suffix}`;
}
