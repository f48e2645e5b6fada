// Which side of the sheet a page is, for the PPF's CIP3BeginFront / CIP3BeginBack: Signa prints the
// side in the sheet's text marks (its placeholders give "Front"/"Back", "Лицо"/"Оборот",
// "Schöndruck"/"Widerdruck"…). A page is the back when a mark's text matches one of its press's
// back patterns (`inkZones.backMarks`, else the words below); otherwise it is the front.
import type { Sheet } from "../analysis/types.ts";
import type { Press } from "../config/settings-schema.ts";

/** Whole words for the back side in the languages Signa is used in here. */
export const BUILT_IN_BACK = [
  "(?<![\\p{L}\\p{N}])(back|reverse|verso|widerdruck|оборот|обратная сторона)(?![\\p{L}])",
];

export function sheetSideOf(
  presses: Pick<Press, "name" | "inkZones">[],
): (sheet: Pick<Sheet, "marks" | "press"> | undefined) => "front" | "back" {
  const cache = new Map<string, RegExp[]>();
  const patterns = (press: string | null | undefined): RegExp[] => {
    const key = press ?? "";
    let res = cache.get(key);
    if (!res) {
      const own = presses.find((p) => p.name === press)?.inkZones?.backMarks ?? [];
      res = (own.length ? own : BUILT_IN_BACK).map((p) => new RegExp(p, "iu"));
      cache.set(key, res);
    }
    return res;
  };
  return (sheet) => {
    const res = patterns(sheet?.press);
    return Object.values(sheet?.marks ?? {}).some((text) => res.some((re) => re.test(text)))
      ? "back"
      : "front";
  };
}
