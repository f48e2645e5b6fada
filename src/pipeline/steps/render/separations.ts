// One Ghostscript pass per page gives the CMYK composite (Ghostscript's output ICC profile embedded; it
// feeds the proof and thumbnail) and the coverage of every separation, process and spot, overprint
// handled as on a plate.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { GS_BASE, gsProblems, runGhostscript } from "./ghostscript.ts";
import { RenderError } from "./render-error.ts";
import { tiffChannelCoverage } from "./tiff-reader.ts";

export const PROCESS_INKS = ["Cyan", "Magenta", "Yellow", "Black"] as const;

/**
 * Undoes tiffsep's file-name escaping of a separation name: `%XX` stands for a byte that is not
 * allowed in file names (`/`, `%`, bytes above 127); the name bytes are UTF-8 in practice.
 */
export function decodeGsSeparationName(label: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < label.length; i++) {
    const m = /^%([0-9a-fA-F]{2})/.exec(label.slice(i));
    if (m) {
      bytes.push(Number.parseInt(m[1], 16));
      i += 2;
    } else bytes.push(...Buffer.from(label[i], "utf8"));
  }
  const buf = Buffer.from(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    return buf.toString("latin1");
  }
}

export interface RasterOptions {
  pdf: string;
  page: number;
  dpi: number;
  /** Page size in points, to size Ghostscript's page buffer. */
  sizePt: [number, number];
  /** The page may paint spot colours: use tiffsep; otherwise a CMYK device suffices. */
  spots: boolean;
  dir: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface PagePass {
  /** CMYK TIFF of the page with Ghostscript's output ICC profile embedded: the proof's source. */
  composite: string;
  /** Coverage in percent by separation name (process inks always present). */
  coverage: Map<string, number>;
  device: "tiffsep" | "tiff32nc";
  /** Raster size in pixels. */
  width: number;
  height: number;
  /** Ghostscript's complaints about the page, if any. */
  problem: string | null;
}

/**
 * Renders page `page` of `pdf` (already cropped) once at `dpi` into `dir` (a temp dir we own, so nothing
 * in the output path is ever interpreted by gs: no `%d`, no `|pipe`) and measures every separation.
 *
 * Pages with spot colours go through `tiffsep` (one file per separation, plus a CMYK composite with the
 * spots simulated). Process-only pages go through `tiff32nc`, a CMYK device that also honours overprint
 * natively and whose four channels are tiffsep's four process plates, about 3x faster.
 */
export async function rasterPage(o: RasterOptions): Promise<PagePass> {
  const device = o.spots ? "tiffsep" : "tiff32nc";
  const base = path.join(o.dir, "page.tif");
  const dpi = Math.round(o.dpi * 1000) / 1000;
  // A whole-page buffer avoids gs's two-pass banding (measured ~25 % faster); bounded for huge rasters.
  const px = ((o.sizePt[0] * dpi) / 72) * ((o.sizePt[1] * dpi) / 72);
  const maxBitmap = Math.min(Math.ceil(px * (o.spots ? 12 : 4) * 1.25) + (8 << 20), 512 << 20);
  const run = await runGhostscript(
    [
      ...GS_BASE,
      `-sDEVICE=${device}`,
      `-r${dpi}`,
      `-dMaxBitmap=${maxBitmap}`,
      `-dFirstPage=${o.page}`,
      `-dLastPage=${o.page}`,
      "-sCompression=none",
      `-sOutputFile=${base}`,
      "-f",
      o.pdf,
    ],
    { timeoutMs: o.timeoutMs, signal: o.signal },
  );
  const output = `${run.stdout}\n${run.stderr}`;
  const files = await readdir(o.dir);
  if (run.code !== 0 || !files.includes("page.tif")) {
    throw new RenderError(
      "gs-failed",
      `Ghostscript could not render page ${o.page}: ${gsProblems(output) ?? `exit code ${run.code}`}`,
    );
  }
  const coverage = new Map<string, number>();
  let size = { width: 0, height: 0 };
  if (device === "tiff32nc") {
    const r = tiffChannelCoverage(base, true);
    size = r;
    PROCESS_INKS.forEach((name, i) => {
      coverage.set(name, r.coverage[i] ?? 0);
    });
  } else {
    for (const f of files) {
      const m = /^page\((.*)\)\.tif$/s.exec(f);
      if (!m) continue;
      const r = tiffChannelCoverage(path.join(o.dir, f), false);
      size = r;
      coverage.set(decodeGsSeparationName(m[1]), r.coverage[0]);
    }
  }
  let problem = gsProblems(output);
  if (/Max spot colorants reached/i.test(output)) {
    problem = `${problem ? `${problem} ` : ""}More spot colours than Ghostscript separates in one pass: some were measured as their CMYK equivalents.`;
  }
  return { composite: base, coverage, device, width: size.width, height: size.height, problem };
}

/** Matches a separation name to the analysis's colorant names (exact, else by case and spaces). */
export function matchColorant(name: string, colorants: string[]): string {
  if (colorants.includes(name)) return name;
  const norm = (s: string) => s.normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim();
  return colorants.find((c) => norm(c) === norm(name)) ?? name;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Ink coverage per separation in a stable order: process inks, then the colorants the analysis lists,
 * then any separation Ghostscript found that the list lacks. Listed but never inked → 0.
 */
export function orderInks(measured: Map<string, number>, colorants: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of PROCESS_INKS) out[p] = 0;
  for (const c of colorants) out[c] = 0;
  for (const [name, v] of measured) {
    const key = matchColorant(name, colorants);
    out[key] = round2((out[key] ?? 0) + v);
  }
  return out;
}
