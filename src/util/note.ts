// A sentence for a person as a stable code with its values. The web UI words it in the reader's
// language (ui/src/i18n, key `note.<code>`); `text` is the English wording, kept for logs, the CLI
// and rows read by a client that does not know the code.
// A value may itself be a note (a reason inside a sentence), worded the same way.
export type NoteValues = { [name: string]: string | number | Note };

export interface Note {
  code: string;
  values?: NoteValues;
  text: string;
}

export function note(code: string, text: string, values?: NoteValues): Note {
  return values ? { code, values, text } : { code, text };
}

/** Several notes read as one line (code `list`, items `i0`, `i1`…, joined with `sep`). */
export function noteList(items: Note[], sep = "; "): Note {
  const values: NoteValues = { n: items.length, sep };
  items.forEach((n, i) => {
    values[`i${i}`] = n;
  });
  return note("list", items.map((n) => n.text).join(sep), values);
}

/** The English text of a note, or the sentence itself for rows written before notes had codes. */
export function noteText(n: Note | string): string {
  return typeof n === "string" ? n : n.text;
}

export function noteTexts(notes: readonly (Note | string)[]): string[] {
  return notes.map(noteText);
}

/**
 * Which pages a note is about, as values the UI words («Листы 2, 3: …»): `pages` the list,
 * `pageCount` its length, `allPages` 1 when it is every page of a file of several.
 */
export function pageScope(pages: number[], total: number): NoteValues {
  return {
    pages: pages.join(", "),
    pageCount: pages.length,
    allPages: pages.length === total && total > 1 ? 1 : 0,
  };
}

/** The English words of a page scope, as the sentence starts ("All pages", "Page 3", "Pages 2, 3"). */
export function scopeText(pages: number[], total: number): string {
  if (pages.length === total && total > 1) return "All pages";
  return pages.length === 1 ? `Page ${pages[0]}` : `Pages ${pages.join(", ")}`;
}

/**
 * A note in a text column that also holds plain sentences (delivery errors): stored as JSON, read
 * back as a note; an old row's sentence, or a transport's own message, reads as text only.
 */
export function noteToColumn(n: Note): string {
  return JSON.stringify(n);
}

export function noteFromColumn(s: string | null): { text: string | null; note: Note | null } {
  if (!s) return { text: s, note: null };
  if (s.startsWith('{"code":')) {
    try {
      const n = JSON.parse(s) as Note;
      if (typeof n.code === "string" && typeof n.text === "string") return { text: n.text, note: n };
    } catch {
      /* a sentence that happens to start like JSON */
    }
  }
  return { text: s, note: null };
}
