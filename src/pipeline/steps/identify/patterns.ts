// Mark dialects as regexes (case-insensitive, Unicode) with named groups `press`, `bureau`, `w`, `h`.
// The shop can replace each list in settings (`analysis.marks`); these are the dialects Signa setups
// have used over the years:
//   Outputter = "Выведено: Vonoel", Machine = "Машина: Speedmaster", Paper = "Бумага: 900.0 x 640.0"
//   tes_Outputter = "Выведено: Vonoel     Speedmaster 900.0 x 640.0" (later "… tes / Speedmaster …")
import type { MarkSettings } from "../../../config/settings-schema.ts";

const NUM = String.raw`\d+(?:[.,]\d+)?`;
const BY = String.raw`\s*[xх×*]\s*`; // Latin x, Cyrillic х, ×, *

/**
 * Where a name in a labelled mark ends: at the mark's end, a `/`, `;` or `|`, a comma before a space,
 * the next `Label:`, or the paper size. Names themselves may have several words ("Speedmaster XL").
 */
const END = String.raw`(?=\s*(?:$|[/;|]|,\s|\s\S+\s*:|\s${NUM}${BY}${NUM}))`;
const FIELD = String.raw`[^/:;|]+?${END}`;

export const DEFAULT_MARK_PATTERNS: Required<MarkSettings> = {
  press: [
    String.raw`(?:Машина|Machine|Press|Presse)\s*:\s*(?<press>${FIELD})`,
    String.raw`(?:Выведено|Output(?:ter)?)\s*:\s*\S+\s+(?:\S+\s*/\s*)?(?<press>[^/]+?)\s+${NUM}${BY}${NUM}`,
  ],
  bureau: [
    // tes_Outputter: the bureau, then the press and the paper; the bureau's end is found by its name.
    String.raw`(?:Выведено|Output(?:ter)?)\s*:\s*(?<bureau>[^\s/]+)\s+\S.*?${NUM}${BY}${NUM}`,
    String.raw`(?:Выведено|Output(?:ter)?|CTP)\s*:\s*(?<bureau>${FIELD})`,
  ],
  paper: [
    String.raw`(?:Бумага|Paper|Papier)\s*:?\s*(?<w>${NUM})${BY}(?<h>${NUM})`,
    // Last resort: any "W x H" in a mark (checked to fit on the plate).
    String.raw`(?<![\d.,])(?<w>${NUM})${BY}(?<h>${NUM})(?![\d.,])`,
  ],
};

export interface CompiledPatterns {
  press: RegExp[];
  bureau: RegExp[];
  paper: RegExp[];
  /** Settings patterns that do not compile; reported as warnings. */
  invalid: string[];
}

/** The shop's lists where given (non-empty), else the defaults. */
export function compilePatterns(marks: Partial<MarkSettings> | undefined): CompiledPatterns {
  const invalid: string[] = [];
  const compile = (list: string[] | undefined, fallback: string[]) => {
    const src = list?.length ? list : fallback;
    const out: RegExp[] = [];
    for (const s of src) {
      try {
        out.push(new RegExp(s, "iu"));
      } catch {
        invalid.push(s);
      }
    }
    return out;
  };
  return {
    press: compile(marks?.press, DEFAULT_MARK_PATTERNS.press),
    bureau: compile(marks?.bureau, DEFAULT_MARK_PATTERNS.bureau),
    paper: compile(marks?.paper, DEFAULT_MARK_PATTERNS.paper),
    invalid,
  };
}

export const parseNumber = (s: string) => Number(s.replace(",", "."));
