// Which plates a sheet needs, judged from what its separations ink on the paper area. Signa's list
// stays the count the bureau bills; against it a listed colorant that inks nothing is a blank plate
// and an inked separation it lacks is a missing plate. A sheet without Signa's list (a PDF from
// another program) counts one plate per separation that carries ink.
import type { Analysis, Sheet } from "../../../analysis/types.ts";
import { type Note, note } from "../../../util/note.ts";
import { matchColorant, PROCESS_INKS } from "./separations.ts";

/** Below this coverage (percent of the paper area) a separation may be empty… */
export const BLANK_COVERAGE = 0.05;
/** …if also no single pixel is stronger than this faint tint (percent). */
export const FAINT_TINT = 3;

export function carriesInk(coverage: number, peak: number | undefined): boolean {
  return coverage >= BLANK_COVERAGE || (peak ?? 0) > FAINT_TINT;
}

/**
 * The separations that carry ink, named as the sheet's colorants name them where they match, in a
 * stable order: process inks, the listed colorants, then any other.
 */
export function inkedSeparations(
  coverage: ReadonlyMap<string, number>,
  peak: ReadonlyMap<string, number>,
  colorants: readonly string[],
): string[] {
  const inked = new Set<string>();
  for (const [name, v] of coverage)
    if (carriesInk(v, peak.get(name))) inked.add(matchColorant(name, [...colorants]));
  const order = [...PROCESS_INKS, ...colorants];
  const rank = (n: string) => {
    const i = order.indexOf(n);
    return i < 0 ? order.length : i;
  };
  return [...inked].sort((a, b) => rank(a) - rank(b));
}

/** The plate names of one sheet: Signa's list, else the separations that carry ink (null: not known). */
export function sheetPlateNames(s: Pick<Sheet, "colorants" | "separations">): string[] | null {
  if (s.colorants.length) return s.colorants;
  return s.separations ?? null;
}

/**
 * Fills each sheet's blank and missing plates and the file's plate count from the measured
 * separations. Blank and missing plates are judged only where every separation was measured on its
 * own (not with the MuPDF fallback, which folds spots into CMYK).
 */
export function withPlates(analysis: Analysis): Analysis {
  let plates = 0;
  let known = true;
  let fromSeparations = false;
  let approximate = false;
  const sheets = analysis.sheets.map((s): Sheet => {
    const names = sheetPlateNames(s);
    if (!s.colorants.length) {
      fromSeparations = true;
      if (s.separations && s.inksApproximate) approximate = true;
    }
    if (names) plates += names.length;
    else known = false;
    if (!s.colorants.length || !s.separations || s.inksApproximate) return s;
    const inked = new Set(s.separations);
    const listed = new Set(s.colorants);
    return {
      ...s,
      blankPlates: s.colorants.filter((c) => !inked.has(c)),
      missingPlates: s.separations.filter((n) => !listed.has(n)),
    };
  });
  if (!fromSeparations) return { ...analysis, sheets, platesBy: "signa" };
  return {
    ...analysis,
    sheets,
    // Not known until every page without Signa's list was measured: never a made-up 0.
    plates: known ? plates : 0,
    platesBy: known ? "separations" : null,
    ...(known && approximate ? { platesApproximate: true } : {}),
  };
}

/** What the operator is told about the plates: blank and missing ones, or a count that could not be made. */
export function plateWarnings(a: Analysis): Note[] {
  const out: Note[] = [];
  for (const s of a.sheets) {
    for (const c of s.blankPlates ?? [])
      out.push(
        note("plates.blank", `plate ${c} on sheet ${s.page} is blank: a plate would be paid for nothing`, {
          ink: c,
          sheet: s.page,
        }),
      );
    for (const n of s.missingPlates ?? [])
      out.push(
        note("plates.missing", `ink ${n} is on sheet ${s.page} but Signa makes no plate for it`, {
          ink: n,
          sheet: s.page,
        }),
      );
  }
  if (a.platesBy === null && a.sheets.some((s) => !s.colorants.length && !s.separations))
    out.push(
      note(
        "plates.uncounted",
        "plates could not be counted: a page without Signa's colorant list was not rendered",
      ),
    );
  return out;
}
