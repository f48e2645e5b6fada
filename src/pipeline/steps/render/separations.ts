// One Ghostscript `tiffsep` pass per page: a CMYK composite (with Ghostscript's output ICC profile
// embedded; it feeds the proof and thumbnail) plus one 8-bit file per separation, process and spot,
// overprint handled as on a plate. Ink coverage is read straight from the separation files.
import { readdir } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { GS_BASE, gsProblems, runGhostscript } from "./ghostscript.ts";
import { RenderError } from "./render-error.ts";

export const PROCESS_INKS = ["Cyan", "Magenta", "Yellow", "Black"] as const;

export interface SeparationPass {
  /** CMYK TIFF of the page, ICC profile embedded. */
  composite: string;
  /** Separation name (as in the PDF) → its 8-bit TIFF (0 = full ink, 255 = none). */
  separations: Map<string, string>;
  /** Ghostscript's complaints about the page, if any. */
  problem: string | null;
}

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

/**
 * Renders page `page` of `pdf` (already cropped) with tiffsep at `dpi` into `dir` (a temp dir we own,
 * so nothing in the output path is ever interpreted by gs: no `%d`, no `|pipe`).
 */
export async function tiffsepPage(opts: {
  pdf: string;
  page: number;
  dpi: number;
  dir: string;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<SeparationPass> {
  const base = path.join(opts.dir, "sep.tif");
  const dpi = Math.round(opts.dpi * 1000) / 1000;
  const run = await runGhostscript(
    [
      ...GS_BASE,
      "-sDEVICE=tiffsep",
      `-r${dpi}`,
      `-dFirstPage=${opts.page}`,
      `-dLastPage=${opts.page}`,
      "-sCompression=none",
      `-sOutputFile=${base}`,
      "-f",
      opts.pdf,
    ],
    { timeoutMs: opts.timeoutMs, signal: opts.signal },
  );
  const files = await readdir(opts.dir);
  if (run.code !== 0 || !files.includes("sep.tif")) {
    throw new RenderError(
      "gs-failed",
      `Ghostscript could not render page ${opts.page}: ${gsProblems(`${run.stdout}\n${run.stderr}`) ?? `exit code ${run.code}`}`,
    );
  }
  const separations = new Map<string, string>();
  for (const f of files) {
    const m = /^sep\((.*)\)\.tif$/s.exec(f);
    if (m) separations.set(decodeGsSeparationName(m[1]), path.join(opts.dir, f));
  }
  let problem = gsProblems(`${run.stdout}\n${run.stderr}`);
  if (/Max spot colorants reached/i.test(run.stdout + run.stderr)) {
    problem = `${problem ? `${problem} ` : ""}More spot colours than Ghostscript separates in one pass: some were measured as their CMYK equivalents.`;
  }
  return { composite: base, separations, problem };
}

/** Percent of the image area covered by one separation file (0 = full ink in tiffsep's files). */
export async function separationCoverage(file: string): Promise<number> {
  const { data, info } = await sharp(file, { limitInputPixels: false })
    .toColourspace("b-w")
    .raw()
    .toBuffer({ resolveWithObject: true });
  const ch = info.channels;
  let ink = 0;
  for (let i = 0; i < data.length; i += ch) ink += 255 - data[i];
  const px = data.length / ch;
  return px ? (ink / (255 * px)) * 100 : 0;
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

/** Coverage of every separation file of a pass, by separation name. */
export async function measurePass(pass: SeparationPass): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [name, file] of pass.separations) out.set(name, await separationCoverage(file));
  return out;
}
