// A zod issue in a settings document as a note the admin UI words ("a number ≥ 1", "one of: ftp,
// sftp"), beside the English `expected` text the CLI and the log print.
import type { z } from "zod";
import { type Note, note } from "../util/note.ts";

type Issue = z.core.$ZodIssue;

/** `value`: what the document holds at the issue's path (undefined when the field is missing). */
export function issueNote(i: Issue, expected: string, value: unknown): Note {
  switch (i.code) {
    case "invalid_type":
      return note(value === undefined ? "setting.missing" : "setting.type", expected, {
        expected: i.expected,
      });
    case "invalid_format":
      return note("setting.format", expected, { field: String(i.path.at(-1) ?? "") });
    case "too_small":
      return note(i.origin === "string" ? "setting.too-short" : "setting.too-small", expected, {
        minimum: Number(i.minimum),
        inclusive: i.inclusive === false ? 0 : 1,
      });
    case "too_big":
      return note(i.origin === "string" ? "setting.too-long" : "setting.too-big", expected, {
        maximum: Number(i.maximum),
        inclusive: i.inclusive === false ? 0 : 1,
      });
    case "invalid_value":
      return note("setting.one-of", expected, { values: i.values.map(String).join(", ") });
    case "unrecognized_keys":
      return note("setting.unknown-field", expected, { keys: i.keys.join(", ") });
    default:
      return note("reason.detail", expected, { detail: expected });
  }
}
