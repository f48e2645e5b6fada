// Finding a configured name (press, bureau) in mark text: first the dialect patterns, then the name as a
// word anywhere in a mark. Never in the artwork: only mark text is passed in.
import { sameName, wordRegex } from "./patterns.ts";

export interface MarkText {
  creationName: string;
  text: string;
}

export interface NameHit {
  name: string | null;
  /** Names the patterns captured that are not configured (for the warning when nothing matched). */
  unknown: string[];
  /** Other configured names also found, when more than one was (for a warning). */
  others: string[];
}

export function findConfiguredName(
  marks: MarkText[],
  patterns: RegExp[],
  group: "press" | "bureau",
  names: string[],
): NameHit {
  const unknown: string[] = [];
  for (const re of patterns) {
    for (const m of marks) {
      const captured = re.exec(m.text)?.groups?.[group]?.trim();
      if (!captured) continue;
      const known = names.find((n) => sameName(n, captured));
      if (known) return { name: known, unknown: [], others: [] };
      unknown.push(captured);
    }
  }
  // Longer names first, so "Speedmaster XL" wins over "Speedmaster" in the same text.
  const byLength = [...names].sort((a, b) => b.length - a.length);
  const found: string[] = [];
  for (const m of marks) {
    let rest = m.text;
    for (const n of byLength) {
      const re = wordRegex(n);
      if (re.test(rest)) {
        if (!found.includes(n)) found.push(n);
        rest = rest.replace(re, " ");
      }
    }
  }
  if (found.length) return { name: found[0], unknown: [], others: found.slice(1) };
  return { name: null, unknown: [...new Set(unknown)], others: [] };
}
