// Which press a sheet is for: a mark naming a configured press, else the plate size.

import type { PressBy } from "../../../analysis/types.ts";
import type { Press } from "../../../config/settings-schema.ts";
import { findByName } from "../../../util/names.ts";
import { type Note, note } from "../../../util/note.ts";
import { type RectPt, rectSizeMm } from "../inspect/geometry.ts";
import { findConfiguredName, type MarkText } from "./find-name.ts";

export interface PressFinding {
  press: Press | null;
  by: PressBy;
  warnings: Note[];
  /** Press names the marks gave that are not configured. */
  unknownInMarks: string[];
}

const PLATE_TOLERANCE_MM = 1;

export function pressesForPlate(mediaBox: RectPt, presses: Press[]): Press[] {
  const [w, h] = rectSizeMm(mediaBox);
  const fits = (a: number, b: number) => Math.abs(a - b) <= PLATE_TOLERANCE_MM;
  return presses.filter(
    (p) =>
      (fits(w, p.plateWidthMm) && fits(h, p.plateHeightMm)) ||
      (fits(w, p.plateHeightMm) && fits(h, p.plateWidthMm)),
  );
}

export function findPress(
  marks: MarkText[],
  patterns: RegExp[],
  mediaBox: RectPt,
  presses: Press[],
): PressFinding {
  const hit = findConfiguredName(
    marks,
    patterns,
    "press",
    presses.map((p) => p.name),
  );
  const warnings: Note[] = [];
  if (hit.name) {
    if (hit.others.length)
      warnings.push(
        note(
          "press.several-marks",
          `The marks name several presses (${[hit.name, ...hit.others].join(", ")}); using ${hit.name}.`,
          { names: [hit.name, ...hit.others].join(", "), chosen: hit.name },
        ),
      );
    return {
      press: findByName(presses, hit.name) ?? null,
      by: "mark",
      warnings,
      unknownInMarks: [],
    };
  }
  // A mark that names a press we do not know is the operator's word: guessing another press from the
  // plate size ("Speedmaster" for a mark "Speedmaster XL") would price the plates and send the preview wrong.
  if (hit.unknown.length) return { press: null, by: null, warnings, unknownInMarks: hit.unknown };
  const candidates = pressesForPlate(mediaBox, presses);
  if (!candidates.length) return { press: null, by: null, warnings, unknownInMarks: [] };
  // Stable sort keeps the configured order among equal priorities.
  const ranked = [...candidates].sort((a, b) => b.priority - a.priority);
  const chosen = ranked[0];
  if (ranked.length > 1) {
    const tie = ranked[1].priority === chosen.priority;
    const names = ranked.map((p) => p.name).join(", ");
    warnings.push(
      note(
        tie ? "press.several-plate-tie" : "press.several-plate",
        `The plate size fits several presses (${names}); chose ${chosen.name} ` +
          (tie
            ? "as the first configured (equal priority: set priorities to decide)."
            : "by its higher priority."),
        { names, chosen: chosen.name },
      ),
    );
  }
  return { press: chosen, by: "plate-size", warnings, unknownInMarks: [] };
}
