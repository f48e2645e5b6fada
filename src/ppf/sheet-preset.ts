// One sheet's ink-key preset from the rasters its render pass gathered: the zone coverage of every
// separation (the journal's `inkZones`) and the CIP3 PPF file for the press, both from the same
// frame-oriented rasters, so what the job page shows is what the press is sent.
import type { InkZones, Sheet } from "../analysis/types.ts";
import type { InkZoneSettings } from "../config/settings-schema.ts";
import { type FrameSeparation, frameTurn, toFrame, zoneCoverage, zoneSpans } from "./ink-zones.ts";
import { type PpfSeparation, writePpf } from "./ppf-writer.ts";
import type { SeparationRaster } from "./separation-raster.ts";

const PROCESS = ["Cyan", "Magenta", "Yellow", "Black"];
const norm = (s: string) => s.normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim();

/**
 * The separations in Signa's order when Signa lists them (a listed plate Ghostscript drew nothing on
 * is kept, empty: the press expects every plate); without a list, the process inks and every spot
 * that carries ink, as measured.
 */
export function presetSeparations(
  rasters: Map<string, SeparationRaster>,
  colorants: string[],
): { name: string; raster: SeparationRaster | null }[] {
  if (colorants.length) {
    return colorants.map((c) => {
      const hit = [...rasters].find(([n]) => n === c) ?? [...rasters].find(([n]) => norm(n) === norm(c));
      return { name: c, raster: hit?.[1] ?? null };
    });
  }
  const inked = (r: SeparationRaster) => r.columns.some((v) => v > 0);
  return [...rasters]
    .filter(([n, r]) => PROCESS.includes(n) || inked(r))
    .map(([name, raster]) => ({ name, raster }));
}

export interface SheetPresetInput {
  page: number;
  colorants: string[];
  rasters: Map<string, SeparationRaster>;
  sheet?: Pick<Sheet, "paperMm" | "plateMm" | "paperRectMm">;
  zones: InkZoneSettings;
  jobName: string;
  side?: "front" | "back";
  created?: Date;
  /**
   * Ghostscript ran out of spot separations on this page: a listed plate without a raster may then
   * carry ink that was folded into CMYK, so its zones are unknown (null), not empty.
   */
  spotsFolded?: boolean;
}

export interface SheetPreset {
  inkZones: InkZones;
  ppf: Buffer;
}

export function sheetPreset(input: SheetPresetInput): SheetPreset | null {
  const seps = presetSeparations(input.rasters, input.colorants);
  const any = seps.find((s) => s.raster)?.raster;
  if (!any) return null;
  const turn = frameTurn(any.width, any.height, any.dpi, input.sheet?.paperMm);
  const framed = seps.map((s) => ({ name: s.name, frame: s.raster ? toFrame(s.raster, turn) : null }));
  const ref = framed.find((f) => f.frame)?.frame as FrameSeparation;
  const paperWidthMm = (ref.width / ref.dpi) * 25.4;
  const spans = zoneSpans(input.zones, paperWidthMm, input.sheet);
  const separations: InkZones["separations"] = {};
  for (const f of framed) {
    if (!f.frame && input.spotsFolded) separations[f.name] = spans.map(() => null);
    // A listed plate with nothing drawn: every zone on the paper is measured empty.
    else
      separations[f.name] = zoneCoverage(f.frame ?? { ...ref, columns: new Float64Array(ref.width) }, spans);
  }
  const side = input.side ?? "front";
  const ppfSeps: PpfSeparation[] = framed.map((f) => ({ name: f.name, image: f.frame }));
  const ppf = writePpf({
    jobName: input.jobName,
    sheetName: String(input.page),
    side,
    extentPt: [(ref.width / ref.dpi) * 72, (ref.height / ref.dpi) * 72],
    separations: ppfSeps,
    created: input.created,
  });
  return {
    inkZones: {
      count: input.zones.count,
      widthMm: input.zones.widthMm,
      startEdge: input.zones.startEdge,
      side,
      separations,
    },
    ppf,
  };
}
