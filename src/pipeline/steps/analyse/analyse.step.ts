// Runs the analysis engine (inspect → read-signa → identify) and books the figures the journal
// and reports count: press, bureau, plates, m² of plate and money at today's plate cost.

import path from "node:path";
import { attentionColumn } from "../../../analysis/attention.ts";
import type { Analysis } from "../../../analysis/types.ts";
import type { Settings } from "../../../config/settings-schema.ts";
import { analyzeIsolated } from "../../../isolation/isolated.ts";
import { findPress, jobPress } from "../../../rules/fields.ts";
import { note } from "../../../util/note.ts";
import type { Step } from "../../step.ts";
import { sheetPlateNames } from "../render/plates.ts";

/**
 * Plate area and money per sheet: each plate (Signa's colorant, or for a file without Signa's list an
 * inked separation once rendered) is one plate of that sheet's press.
 */
export function bookFigures(a: Analysis, settings: Settings): { areaM2: number; money: number } {
  let areaM2 = 0;
  let money = 0;
  for (const s of a.sheets) {
    const press = findPress(settings, s.press);
    const [w, h] = press ? [press.plateWidthMm, press.plateHeightMm] : s.plateMm;
    const plates = sheetPlateNames(s)?.length ?? 0;
    areaM2 += (plates * w * h) / 1e6;
    money += plates * (press?.plateCost ?? 0);
  }
  return { areaM2: Math.round(areaM2 * 1e4) / 1e4, money: Math.round(money * 100) / 100 };
}

export const analyseStep: Step = {
  name: "analyse",
  async run({ job, settings, log, signal, paths }) {
    // In a child process under the analysis time and memory limits: a hostile file fails its own job only.
    // A copy qpdf or Ghostscript repaired for MuPDF stays in the job's work folder for the render step.
    const analysis = await analyzeIsolated(job.work_path as string, {
      settings,
      fileName: job.file_name,
      defaultBureau: job.default_bureau ?? undefined,
      signal,
      repairDir: path.join(paths.work, String(job.id)),
    });
    for (const w of analysis.warnings)
      await log(note("log.warning", `warning: ${w.text}`, { what: w }), "warn");
    const { areaM2, money } = bookFigures(analysis, settings);
    // A file without Signa's lists is counted once rendered: until then its figures are unknown, not 0.
    const counted = analysis.platesBy !== null;
    const patch = {
      analysis: JSON.stringify(analysis),
      press: jobPress(analysis),
      bureau: analysis.bureau,
      order_no: analysis.order,
      pages: analysis.pages,
      plates: counted ? analysis.plates : null,
      plate_area_m2: counted ? areaM2 : null,
      money: counted ? money : null,
      attention: attentionColumn(analysis),
    };
    if (analysis.error) return { patch, reject: analysis.error };
    return {
      patch,
      info: note(
        "analyse.summary",
        `${analysis.pages} complect(s), ${analysis.plates} plate(s), press ${patch.press ?? "?"}, bureau ${analysis.bureau ?? "?"}`,
        {
          complects: analysis.pages,
          plates: analysis.plates,
          press: patch.press ?? "?",
          bureau: analysis.bureau ?? "?",
        },
      ),
    };
  },
};
