// What a rule may produce on a server: a relative folder and a plain file name. Values come
// from operators' file names, so nothing in them may climb out of the target folder.

import { fitName, NAME_MAX_BYTES } from "../util/name-bytes.ts";
import type { NoteValues } from "../util/note.ts";

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
const SEPARATORS_AND_CONTROLS = /[/\\\u0000-\u001f\u007f]/g;

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

/** Servers take 255 bytes; the delivery's temp name fits itself to that (delivery/names.ts). */
const truncateBytes = (name: string) => fitName(name, NAME_MAX_BYTES);

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
