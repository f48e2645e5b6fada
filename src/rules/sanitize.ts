// What a rule may produce on a server: a relative folder and a plain file name. Values come
// from operators' file names, so nothing in them may climb out of the target folder.
import type { NoteValues } from "../util/note.ts";

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
const SEPARATORS_AND_CONTROLS = /[/\\\u0000-\u001f\u007f]/g;
const MAX_NAME_BYTES = 200;

export class RuleError extends Error {
  override readonly name = "RuleError";
  constructor(
    readonly code: "empty-name",
    message: string,
    readonly values: NoteValues = {},
  ) {
    super(message);
  }
}

/** For values inside a folder template: a value never adds folder levels. */
export function escapeValue(value: string): string {
  return value.replace(SEPARATORS_AND_CONTROLS, "_");
}

function cleanSegment(segment: string): string {
  return segment
    .normalize("NFC")
    .replace(SEPARATORS_AND_CONTROLS, "_")
    .replace(/\.{2,}/g, ".")
    .trim()
    .replace(/[. ]+$/, ""); // Windows shares drop trailing dots and spaces
}

function truncateBytes(name: string): string {
  if (Buffer.byteLength(name) <= MAX_NAME_BYTES) return name;
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : "";
  let stem = name.slice(0, name.length - ext.length);
  while (Buffer.byteLength(stem + ext) > MAX_NAME_BYTES) stem = stem.slice(0, -1);
  return stem + ext;
}

/** A single file name: no separators, no `..`, not hidden, not empty. */
export function safeFileName(name: string): string {
  let n = cleanSegment(name);
  n = n.replace(/^\.+/, "_"); // ".x" would be hidden (and look like our temp files)
  if (n === "")
    throw new RuleError("empty-name", `file name rule produced an empty name ("${name}")`, { name });
  return truncateBytes(n);
}

/** A relative folder: `/`-separated, no `.`/`..` levels, no hidden levels, never absolute. `""` is the target folder. */
export function safeFolder(folder: string): string {
  return folder
    .split(/[/\\]+/)
    .map(cleanSegment)
    .map((s) => (/^\.*$/.test(s) ? "" : s.replace(/^\.+/, "_")))
    .filter((s) => s !== "")
    .map(truncateBytes)
    .join("/");
}
