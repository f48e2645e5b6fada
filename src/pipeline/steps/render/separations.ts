// One Ghostscript pass per page gives the CMYK composite (Ghostscript's output ICC profile embedded; it
// feeds the proof and thumbnail) and the coverage of every separation, process and spot, overprint
// handled as on a plate.
import { readdirSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { DiskFullError, freeBytes, isDiskFull, mb } from "../../../files/disk-space.ts";
import { RasterAccumulator, type SeparationRaster } from "../../../ppf/separation-raster.ts";
import { sameName } from "../../../util/names.ts";
import { timeStage } from "../../stages.ts";
import { GS_BASE, gsProblems, outOfMemoryHint, runGhostscript } from "./ghostscript.ts";
import { RenderError } from "./render-error.ts";
import { type TiffInfo, tiffChannelCoverage, tiffComplete } from "./tiff-reader.ts";

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
  /** Page numbers, ascending (not necessarily consecutive); one Ghostscript process renders them all. */
  pages: number[];
  dpi: number;
  /** Largest page size in points, to size Ghostscript's page buffer. */
  sizePt: [number, number];
  /** The pages may paint spot colours: use tiffsep; otherwise a CMYK device suffices. */
  spots: boolean;
  /** An empty temp dir we own: nothing in the output path is ever interpreted by gs (no `|pipe`). */
  dir: string;
  /** Per page: the run is stopped when no page was finished for this long. */
  timeoutMs: number;
  /** Address-space limit of the gs process, MB. */
  memoryMb?: number;
  signal?: AbortSignal;
  /** Also gather each separation's column/row ink and preview grid (ink zones, CIP3 PPF). */
  rasters?: boolean;
}

export interface PagePass {
  page: number;
  /** CMYK TIFF of the page with Ghostscript's output ICC profile embedded: the proof's source. */
  composite: string;
  /** Coverage in percent by separation name (process inks always present). */
  coverage: Map<string, number>;
  /** The strongest ink of one pixel per separation, percent (tells a blank plate from a small mark). */
  peak: Map<string, number>;
  device: "tiffsep" | "tiff32nc";
  /** Raster size in pixels. */
  width: number;
  height: number;
  /** Ghostscript's complaints about the page, if any. */
  problem: string | null;
  /** By separation name, when asked for (`rasters`): gathered in the same read as the coverage. */
  rasters?: Map<string, SeparationRaster>;
}

export interface RasterResult {
  done: PagePass[];
  /** Pages that failed, with why (the page being drawn when gs was stopped or died). */
  failed: { page: number; error: RenderError | DiskFullError }[];
  /** Pages gs never reached (after a failure): render them again on their own. */
  notStarted: number[];
}

const seqName = (i: number) => `p${String(i).padStart(4, "0")}`;

/** Splits gs's (non-quiet) output into the text printed while drawing each page ("Page N" lines). */
export function outputByPage(output: string): Map<number, string> {
  const out = new Map<number, string>();
  let page = 0;
  for (const line of output.split("\n")) {
    const m = /^Page (\d+)\s*$/.exec(line);
    if (m) {
      page = Number(m[1]);
      out.set(page, "");
      continue;
    }
    // gs's end-of-file summary repeats what was already said at the page.
    if (/^The following errors were encountered|^\s*\*{4} This file had errors/.test(line)) page = -1;
    if (page > 0) out.set(page, `${out.get(page)}${line}\n`);
  }
  return out;
}

/**
 * Renders `pages` of `pdf` (already cropped) at `dpi` in ONE Ghostscript process and measures every
 * separation of each page.
 *
 * Pages with spot colours go through `tiffsep` (one file per separation, plus a CMYK composite with the
 * spots simulated). Process-only pages go through `tiff32nc`, a CMYK device that also honours overprint
 * natively and whose four channels are tiffsep's four process plates, about 3x faster.
 */
export async function rasterPages(o: RasterOptions): Promise<RasterResult> {
  const device = o.spots ? "tiffsep" : "tiff32nc";
  const dpi = Math.round(o.dpi * 1000) / 1000;
  // A whole-page buffer avoids gs's two-pass banding (measured ~25 % faster); bounded for huge rasters.
  const px = ((o.sizePt[0] * dpi) / 72) * ((o.sizePt[1] * dpi) / 72);
  // Within a third of the memory limit (gs bands a page that does not fit, measured).
  const cap = Math.min(
    512 << 20,
    o.memoryMb ? Math.floor((o.memoryMb * 1048576) / 3) : Number.POSITIVE_INFINITY,
  );
  const maxBitmap = Math.min(Math.ceil(px * (o.spots ? 12 : 4) * 1.25) + (8 << 20), cap);
  const composites = () => readdirSync(o.dir).filter((f) => /^p\d{4}\.tif$/.test(f)).length;
  let output = "";
  let stopped: RenderError | null = null;
  let code: number | null = null;
  let oom: string | null = null;
  try {
    const run = await runGhostscript(
      [
        ...GS_BASE.filter((a) => a !== "-q"), // "Page N" lines tell which page a complaint is about
        `-sDEVICE=${device}`,
        `-r${dpi}`,
        `-dMaxBitmap=${maxBitmap}`,
        `-sPageList=${o.pages.join(",")}`,
        "-sCompression=none",
        `-sOutputFile=${path.join(o.dir, "p%04d.tif")}`,
        "-f",
        o.pdf,
      ],
      {
        timeoutMs: o.timeoutMs,
        memoryMb: o.memoryMb,
        signal: o.signal,
        progress: o.pages.length > 1 ? composites : undefined,
      },
    );
    output = `${run.stdout}\n${run.stderr}`;
    code = run.code;
    if (run.code !== 0) oom = outOfMemoryHint(run, o.memoryMb);
  } catch (e) {
    if (!(e instanceof RenderError) || e.code === "render-aborted" || e.code === "gs-missing") throw e;
    stopped = e;
  }
  const files = await readdir(o.dir);
  const written = files.filter((f) => /^p\d{4}\.tif$/.test(f)).length;
  const byPage = outputByPage(output);
  // A clean exit wrote every page; otherwise the last page's files may be half written (gs writes a
  // page's files only once it is drawn, so the page it was stopped in has none, or partial ones).
  const clean = !stopped && code === 0;
  const whole = (seq: string) =>
    files
      .filter((f) => f === `${seq}.tif` || f.startsWith(`${seq}(`))
      .every((f) => tiffComplete(path.join(o.dir, f)));
  let complete = clean || written === 0 || whole(seqName(written)) ? written : written - 1;
  // gs exits 0 after writes that failed on a full disk, leaving files cut short or with strips of
  // 0 bytes (read back, they would be pages without ink): every file of a clean run must be whole.
  let cutShort = false;
  if (clean) {
    const first = Array.from({ length: written }, (_, i) => seqName(i + 1)).findIndex((q) => !whole(q));
    if (first >= 0) {
      complete = first;
      cutShort = true;
    }
  }
  if (clean && !cutShort && written !== o.pages.length) {
    // gs skipped a page it could not draw at all: files no longer line up with pages. Redo one by one.
    if (o.pages.length > 1) return { done: [], failed: [], notStarted: o.pages };
    complete = 0;
  }
  const done: PagePass[] = [];
  for (let i = 0; i < complete; i++) {
    const page = o.pages[i];
    const seq = seqName(i + 1);
    const composite = path.join(o.dir, `${seq}.tif`);
    const coverage = new Map<string, number>();
    const peak = new Map<string, number>();
    let size = { width: 0, height: 0 };
    const rasters = o.rasters ? new Map<string, SeparationRaster>() : undefined;
    let acc: RasterAccumulator | null = null;
    const sink = o.rasters
      ? (inkIs255: boolean) => (info: TiffInfo) => {
          acc = new RasterAccumulator(info, dpi, inkIs255);
          const a = acc;
          return (chunk: Buffer, n: number) => a.add(chunk, n);
        }
      : undefined;
    if (device === "tiff32nc") {
      const r = await timeStage("ink-figures", () => tiffChannelCoverage(composite, true, sink?.(true)));
      size = r;
      const channels = (acc as RasterAccumulator | null)?.result();
      PROCESS_INKS.forEach((name, k) => {
        coverage.set(name, r.coverage[k] ?? 0);
        peak.set(name, r.peak[k] ?? 0);
        if (channels?.[k]) rasters?.set(name, channels[k]);
      });
    } else {
      const prefix = `${seq}(`;
      for (const f of files) {
        if (!f.startsWith(prefix) || !f.endsWith(").tif")) continue;
        const r = await timeStage("ink-figures", () =>
          tiffChannelCoverage(path.join(o.dir, f), false, sink?.(false)),
        );
        size = r;
        const name = decodeGsSeparationName(f.slice(prefix.length, -").tif".length));
        coverage.set(name, r.coverage[0]);
        peak.set(name, r.peak[0]);
        const channel = (acc as RasterAccumulator | null)?.result()[0];
        if (channel) rasters?.set(name, channel);
      }
    }
    const text = byPage.get(page) ?? "";
    let problem = gsProblems(text);
    if (/Max spot colorants reached/i.test(text)) {
      problem = `${problem ? `${problem} ` : ""}More spot colours than Ghostscript separates in one pass: some were measured as their CMYK equivalents.`;
    }
    done.push({
      page,
      composite,
      coverage,
      peak,
      device,
      width: size.width,
      height: size.height,
      problem,
      ...(rasters ? { rasters } : {}),
    });
  }
  const failed: RasterResult["failed"] = [];
  const notStarted: number[] = [];
  if (complete < o.pages.length) {
    const page = o.pages[complete];
    // Measured now, while the rasters still take their room (once removed the disk looks fine).
    // Always: Ghostscript words a failed open of the next page's file in many ways.
    const free = await freeBytes(o.dir);
    const pageBytes = px * (o.spots ? 9 : 4);
    // A clean exit with files cut short is a failed write: the disk was full then, even when another
    // job's removed rasters make it look fine by now.
    if (cutShort || isDiskFull(output) || (free !== null && free < pageBytes)) {
      const why = new DiskFullError(
        `disk full while rendering page ${page}: Ghostscript's output was cut short, ${mb(free)} free in ${o.dir} (a page needs about ${mb(pageBytes)})`,
        { dir: o.dir, freeBytes: free, neededBytes: pageBytes },
      );
      return { done, failed: o.pages.slice(complete).map((p) => ({ page: p, error: why })), notStarted: [] };
    }
    const why =
      (cutShort
        ? new RenderError("no-output", `Ghostscript's output for page ${page} was cut short`)
        : null) ??
      stopped ??
      new RenderError(
        "gs-failed",
        `Ghostscript could not render page ${page}: ${oom ?? gsProblems(byPage.get(page) ?? output) ?? `exit code ${code}`}`,
      );
    // A page that died alone is final; one that died in company is retried alone for a clear verdict.
    if (o.pages.length === 1 || stopped) failed.push({ page, error: why });
    else notStarted.push(page);
    notStarted.push(...o.pages.slice(complete + 1));
  }
  return { done, failed, notStarted };
}

/** Matches a separation name to the analysis's colorant names (exact, else by case and spaces). */
export function matchColorant(name: string, colorants: string[]): string {
  if (colorants.includes(name)) return name;
  return colorants.find((c) => sameName(c, name)) ?? name;
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
