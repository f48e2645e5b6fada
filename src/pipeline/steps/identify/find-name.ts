// Finding a configured name (press, bureau) in mark text: first the dialect patterns, then the name as a
// word anywhere in a mark. Never in the artwork: only mark text is passed in.
//
// A pattern's group says where the mark names the thing (`Машина: Speedmaster XL` → "Speedmaster XL").
// The configured name that matches there whole wins, and of several the longest; a name that stops short
// of what the mark says ("Speedmaster" for "Speedmaster XL") is not a match: the mark names something
// that is not configured, and that is reported as such. A labelled mark is taken at its word: when a
// pattern read a name, the free word search is not tried.
import { longestNames, nameOccurrences } from "../../../util/names.ts";

export interface MarkText {
  creationName: string;
  text: string;
}

export interface NameHit {
  name: string | null;
  /** Names the patterns read that are not configured (then `name` is null). */
  unknown: string[];
  /** Other configured names also found, when more than one was (for a warning). */
  others: string[];
}

/** Ends of a group that are not part of a name: spaces and sentence punctuation. */
const LEAD = /^[\s"'«„“(]+/u;
const TRAIL = /[\s"'»“”),.;:!?]+$/u;

const withIndices = (re: RegExp) => new RegExp(re.source, re.flags.includes("d") ? re.flags : `${re.flags}d`);

/** The group's span in `text`, trimmed; null when the pattern (with indices) does not match or the group is empty. */
function groupSpan(re: RegExp, text: string, group: string): { start: number; end: number } | null {
  const m = re.exec(text);
  const at = m?.indices?.groups?.[group];
  if (!m || !at) return null;
  let [start, end] = at;
  const raw = text.slice(start, end);
  start += raw.length - raw.replace(LEAD, "").length;
  end -= raw.length - raw.replace(TRAIL, "").length;
  return end > start ? { start, end } : null;
}

/**
 * The configured name read at a pattern's group: one starting where the group starts and reaching at
 * least its end (a one-word group still finds "Speedmaster XL"), else one starting later inside the
 * group and ending with it ("Heidelberg Speedmaster XL"); the longest of them.
 */
function nameAt(text: string, span: { start: number; end: number }, names: readonly string[]): string | null {
  const occ = nameOccurrences(text, names);
  const longest = (list: typeof occ) =>
    list.sort((a, b) => b.end - b.start - (a.end - a.start))[0]?.name ?? null;
  const covering = occ.filter((o) => o.start === span.start && o.end >= span.end);
  if (covering.length) return longest(covering);
  return longest(occ.filter((o) => o.start > span.start && o.start < span.end && o.end === span.end));
}

export function findConfiguredName(
  marks: MarkText[],
  patterns: RegExp[],
  group: "press" | "bureau",
  names: string[],
): NameHit {
  const texts = marks.map((m) => m.text.normalize("NFC"));
  const unknown: string[] = [];
  // A later, looser pattern reading the same mark again would only report a longer stretch of it.
  const read = new Set<number>();
  for (const re of patterns.map(withIndices)) {
    for (const [i, text] of texts.entries()) {
      const span = groupSpan(re, text, group);
      if (!span) continue;
      const known = nameAt(text, span, names);
      if (known) return { name: known, unknown: [], others: [] };
      if (!read.has(i)) unknown.push(text.slice(span.start, span.end).replace(/\s+/gu, " "));
      read.add(i);
    }
  }
  if (unknown.length) return { name: null, unknown: [...new Set(unknown)], others: [] };
  const found: string[] = [];
  for (const text of texts) {
    for (const s of longestNames(text, names)) if (!found.includes(s.name)) found.push(s.name);
  }
  if (found.length) return { name: found[0], unknown: [], others: found.slice(1) };
  return { name: null, unknown: [], others: [] };
}
