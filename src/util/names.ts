// One way to compare a configured name (press, bureau, target, hot-folder bureau) with a name read from a
// mark, a file name or a form. Names come from clients as they are: NFD from macOS over Samba, any case
// (Cyrillic too), runs of spaces, tabs and no-break spaces. Where several configured names match the same
// place, the longest wins, so "Speedmaster" never takes a mark that says "Speedmaster XL".

/** The comparable form: NFC, case-folded, every whitespace run (tab, NBSP…) one space, trimmed. */
export function foldName(s: string): string {
  return s.normalize("NFC").toLowerCase().replace(/\s+/gu, " ").trim();
}

export const sameName = (a: string, b: string): boolean => foldName(a) === foldName(b);

/** The entry whose name equals `name` once folded. Equal folded names are refused by the settings check. */
export function findByName<T extends { name: string }>(
  list: readonly T[],
  name: string | null | undefined,
): T | undefined {
  if (!name?.trim()) return undefined;
  const n = foldName(name);
  return list.find((e) => foldName(e.name) === n);
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Letters, digits and combining marks: what continues a word. */
const WORD = String.raw`[\p{L}\p{N}\p{M}]`;

/**
 * `name` as a whole word in NFC text: no letter or digit directly before or after, case-insensitive
 * (Unicode case folding, Cyrillic included), any whitespace run where the name has one.
 */
export function wordRegex(name: string, flags = ""): RegExp {
  const parts = name.normalize("NFC").trim().split(/\s+/u).map(escapeRegex);
  return new RegExp(`(?<!${WORD})${parts.join(String.raw`\s+`)}(?!${WORD})`, `iu${flags}`);
}

export interface NameSpan {
  /** The configured name, as configured. */
  name: string;
  /** Offsets in the NFC text searched. */
  start: number;
  end: number;
}

/** Every whole-word occurrence of every name in `text` (NFC), overlaps included, in text order. */
export function nameOccurrences(text: string, names: readonly string[]): NameSpan[] {
  const nfc = text.normalize("NFC");
  const out: NameSpan[] = [];
  for (const name of names) {
    if (!name.trim()) continue;
    for (const m of nfc.matchAll(wordRegex(name, "g"))) {
      out.push({ name, start: m.index, end: m.index + m[0].length });
    }
  }
  return out.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** The occurrences that remain when overlapping ones give way to the longest, in text order. */
export function longestNames(text: string, names: readonly string[]): NameSpan[] {
  const byLength = nameOccurrences(text, names).sort(
    (a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: NameSpan[] = [];
  for (const s of byLength) {
    if (!kept.some((k) => s.start < k.end && k.start < s.end)) kept.push(s);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * The configured name in a run of `_`-separated tokens (a file name): the names that equal one or more
 * whole consecutive tokens (a name's spaces may be written as `_`: "Print Lab" in `12_Job_Print_Lab`);
 * of those, the last in the name (a bureau is written as a suffix, a client's name early in the file name
 * may equal a bureau's), and at the same place the longest.
 */
export function nameInTokens(
  tokens: readonly string[],
  names: readonly string[],
): { name: string; start: number; end: number } | null {
  const folded = tokens.map(foldName);
  const wanted = names
    .flatMap((name) => {
      const f = foldName(name);
      const spellings = f.includes(" ") ? [f, f.replaceAll(" ", "_")] : [f];
      return spellings.map((s) => ({ name, parts: s.split("_").map((p) => p.trim()) }));
    })
    .filter((w) => w.parts.some((p) => p !== ""));
  let best: { name: string; start: number; end: number } | null = null;
  for (let start = 0; start < folded.length; start++) {
    for (const w of wanted) {
      const end = start + w.parts.length;
      if (end > folded.length) continue;
      if (!w.parts.every((p, k) => folded[start + k] === p)) continue;
      if (!best || end > best.end || (end === best.end && start < best.start))
        best = { name: w.name, start, end };
    }
  }
  return best;
}
