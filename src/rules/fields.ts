// The values rules and messages can use, computed from a job's analysis and the settings.
import type { Analysis } from "../analysis/types.ts";
import type { Bureau, Press, Settings } from "../config/settings-schema.ts";
import { extensionOf, nameWithoutBureau, stripExtension } from "../pipeline/steps/identify/file-name.ts";
import { findByName } from "../util/names.ts";
import type { Fields } from "./template.ts";

/** Field names with what they hold, for the admin's help text. */
export const RULE_FIELDS: Record<string, string> = {
  name: "file name without extension and without the bureau token",
  file: "original file name",
  ext: "extension without the dot (pdf)",
  order: "order number (leading digits of the file name)",
  orderName: "order name",
  bureau: "CTP bureau",
  press: "printing press",
  plates: "number of plates",
  pages: "number of complects (pages)",
  plateW: "plate width, mm",
  plateH: "plate height, mm",
  paperW: "paper width, mm (empty when unknown)",
  paperH: "paper height, mm (empty when unknown)",
  colours: "Korol colour suffix: empty for CMYK, else _CM-ReflexBlueC-246C",
  plateFolder: "the bureau's folder for this plate size (plateFolders)",
  date: "job date; {date:YYYY-MM-DD}, also YY MM DD HH mm ss",
};

const PROCESS: Record<string, string> = { cyan: "C", magenta: "M", yellow: "Y", black: "K", key: "K" };

/**
 * SYSTEM.md step 7: empty for pure CMYK, else `_` + the process initials present (CMYK order),
 * then spot names without `PANTONE`, spaces and `_`, all joined by `-`: `_CM-ReflexBlueC-246C`.
 */
export function coloursSuffix(colorants: readonly string[]): string {
  const process = new Set<string>();
  const spots: string[] = [];
  for (const c of colorants) {
    const p =
      PROCESS[
        c
          .trim()
          .toLowerCase()
          .replace(/^process\s*/, "")
      ];
    if (p) {
      process.add(p);
      continue;
    }
    const spot = c.replace(/pantone/gi, "").replace(/[\s_]+/g, "");
    if (spot && !spots.includes(spot)) spots.push(spot);
  }
  if (spots.length === 0 && (process.size === 4 || process.size === 0)) return "";
  const initials = ["C", "M", "Y", "K"].filter((x) => process.has(x)).join("");
  return `_${[...(initials ? [initials] : []), ...spots].join("-")}`;
}

const nameOf = (b: string | { name: string }) => (typeof b === "string" ? b : b.name);

/**
 * Drops the bureau token from a file name, keeping its extension: `0537_Technoyug_Flier_Leonov.pdf` →
 * `0537_Technoyug_Flier.pdf`. The same tokens as the analysis's order name (identify/file-name.ts).
 */
export function removeBureauToken(fileName: string, bureaus: readonly (string | { name: string })[]): string {
  return nameWithoutBureau(fileName, bureaus.map(nameOf)) + fileName.slice(stripExtension(fileName).length);
}

export function findBureau(
  settings: Pick<Settings, "bureaus">,
  name: string | null | undefined,
): Bureau | undefined {
  return findByName(settings.bureaus, name);
}

export function findPress(
  settings: Pick<Settings, "presses">,
  name: string | null | undefined,
): Press | undefined {
  return findByName(settings.presses, name);
}

/**
 * The job's press: the one most sheets name (a file normally goes to one press), of equals the first.
 * The journal books the same press, so the journal, the reports and the delivery agree.
 */
export function jobPress(analysis: Analysis): string | null {
  const counts = new Map<string, number>();
  for (const s of analysis.sheets) if (s.press) counts.set(s.press, (counts.get(s.press) ?? 0) + 1);
  return [...counts.entries()].sort((x, y) => y[1] - x[1])[0]?.[0] ?? null;
}

export interface FieldsOptions {
  /** The file name as it arrived (defaults to the analysis's file). */
  originalName?: string;
  /** Job date (defaults to now). */
  date?: Date;
}

/** All rule fields for a job. */
export function jobFields(
  analysis: Analysis,
  settings: Pick<Settings, "presses" | "bureaus">,
  opts: FieldsOptions = {},
): Fields {
  const file = (opts.originalName ?? analysis.file).split(/[/\\]/).pop() ?? "";
  const bureau = findBureau(settings, analysis.bureau);
  const pressName = jobPress(analysis);
  const press = findPress(settings, pressName);
  const sheet = analysis.sheets.find((s) => s.press === pressName) ?? analysis.sheets[0];
  const plateW = press?.plateWidthMm ?? sheet?.plateMm[0] ?? null;
  const plateH = press?.plateHeightMm ?? sheet?.plateMm[1] ?? null;
  const paper = analysis.sheets.find((s) => s.paperMm)?.paperMm ?? null;
  const bureauNames = [...settings.bureaus.map((b) => b.name), ...(analysis.bureau ? [analysis.bureau] : [])];
  const plateKey = plateW !== null && plateH !== null ? [`${plateW}x${plateH}`, `${plateH}x${plateW}`] : [];
  const plateFolder = plateKey.map((k) => bureau?.plateFolders[k]).find((v) => v !== undefined) ?? "";
  return {
    name: nameWithoutBureau(file, bureauNames),
    file,
    ext: extensionOf(file),
    order: analysis.order ?? "",
    orderName: analysis.orderName ?? "",
    bureau: bureau?.name ?? analysis.bureau ?? "",
    press: press?.name ?? pressName ?? "",
    plates: analysis.plates,
    pages: analysis.pages,
    plateW,
    plateH,
    paperW: paper?.[0] ?? null,
    paperH: paper?.[1] ?? null,
    colours: coloursSuffix(analysis.sheets.flatMap((s) => s.colorants)),
    plateFolder,
    date: opts.date ?? new Date(),
  };
}
