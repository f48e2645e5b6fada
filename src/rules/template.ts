// A small template language for routing rules and messages: `{field}`, `{date:YYYY-MM-DD}`,
// `{{` and `}}` for literal braces. No expressions: rules stay data a shop can read.
import { type Note, type NoteValues, note } from "../util/note.ts";

export type FieldValue = string | number | Date | null | undefined;
export type Fields = Record<string, FieldValue>;

export type TemplateErrorCode = "unknown-field" | "bad-template" | "bad-format";

export class TemplateError extends Error {
  override readonly name = "TemplateError";
  constructor(
    readonly code: TemplateErrorCode,
    message: string,
    readonly field?: string,
    /** The same as values for the UI's words (`note.rule.<code>`). */
    readonly values: NoteValues = {},
  ) {
    super(message);
  }

  get note(): Note {
    return note(`rule.${this.code}`, this.message, this.values);
  }
}

type Part = { text: string } | { field: string; format: string | null };

/** Splits a template into text and fields; throws TemplateError on a malformed one. */
export function parseTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let text = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === "{" && template[i + 1] === "{") {
      text += "{";
      i++;
    } else if (c === "}" && template[i + 1] === "}") {
      text += "}";
      i++;
    } else if (c === "{") {
      const end = template.indexOf("}", i);
      if (end < 0)
        throw new TemplateError(
          "bad-template",
          `"{" at position ${i + 1} of "${template}" is never closed`,
          undefined,
          { problem: "unclosed", at: i + 1, template },
        );
      const inner = template.slice(i + 1, end);
      const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(?::(.*))?$/.exec(inner);
      if (!m)
        throw new TemplateError(
          "bad-template",
          `"{${inner}}" in "${template}" is not a field name`,
          undefined,
          {
            problem: "not-field",
            inner,
            template,
          },
        );
      if (text) parts.push({ text });
      text = "";
      parts.push({ field: m[1], format: m[2] ?? null });
      i = end;
    } else if (c === "}") {
      throw new TemplateError(
        "bad-template",
        `"}" at position ${i + 1} of "${template}" has no "{" (write "}}" for a brace)`,
        undefined,
        { problem: "stray-close", at: i + 1, template },
      );
    } else {
      text += c;
    }
  }
  if (text) parts.push({ text });
  return parts;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** YYYY YY MM DD HH mm ss, local time; other characters are kept. */
export function formatDate(d: Date, format: string): string {
  return format.replace(/YYYY|YY|MM|DD|HH|mm|ss/g, (t) => {
    switch (t) {
      case "YYYY":
        return String(d.getFullYear());
      case "YY":
        return pad(d.getFullYear() % 100);
      case "MM":
        return pad(d.getMonth() + 1);
      case "DD":
        return pad(d.getDate());
      case "HH":
        return pad(d.getHours());
      case "mm":
        return pad(d.getMinutes());
      default:
        return pad(d.getSeconds());
    }
  });
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 10) / 10);
}

export interface RenderOptions {
  /** Applied to each substituted value (not to the template's own text). */
  escape?: (value: string) => string;
}

/** Renders a template; an unknown field is an error that lists the known ones. */
export function renderTemplate(template: string, fields: Fields, opts: RenderOptions = {}): string {
  let out = "";
  for (const part of parseTemplate(template)) {
    if ("text" in part) {
      out += part.text;
      continue;
    }
    if (!Object.hasOwn(fields, part.field)) {
      throw new TemplateError(
        "unknown-field",
        `unknown field {${part.field}} in "${template}"; known fields: ${Object.keys(fields).sort().join(", ")}`,
        part.field,
        { field: part.field, template, known: Object.keys(fields).sort().join(", ") },
      );
    }
    const v = fields[part.field];
    let s: string;
    if (v instanceof Date) s = formatDate(v, part.format ?? "YYYY-MM-DD");
    else if (part.format !== null) {
      throw new TemplateError(
        "bad-format",
        `{${part.field}:${part.format}}: only dates take a format`,
        part.field,
        { field: part.field, format: part.format },
      );
    } else if (typeof v === "number") s = formatNumber(v);
    else s = v ?? "";
    out += opts.escape ? opts.escape(s) : s;
  }
  return out;
}

/** The field names a template uses, for checking a rule before it is saved. */
export function templateFields(template: string): string[] {
  return parseTemplate(template).flatMap((p) => ("field" in p ? [p.field] : []));
}
