// Reference measurements for the render tests, made independently of the code under test: the crop
// is done with pdf-lib, Ghostscript is run directly, pixels are summed here.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PDFDocument, PDFName } from "pdf-lib";
import sharp from "sharp";

export type Rect = [number, number, number, number];

/** Writes a copy of `src` with page i's MediaBox and CropBox set to `boxes[i]` (pdf-lib, not our crop). */
export async function cropWithPdfLib(src: string, dest: string, boxes: Rect[]): Promise<void> {
  const doc = await PDFDocument.load(readFileSync(src));
  doc.getPages().forEach((p, i) => {
    const b = boxes[i];
    if (!b) return;
    p.setMediaBox(b[0], b[1], b[2] - b[0], b[3] - b[1]);
    p.setCropBox(b[0], b[1], b[2] - b[0], b[3] - b[1]);
    for (const k of ["TrimBox", "BleedBox", "ArtBox"]) p.node.delete(PDFName.of(k));
  });
  writeFileSync(dest, await doc.save());
}

/** Ghostscript tiffsep of one page at `dpi`; coverage per separation (percent) summed here. */
export async function tiffsepReference(
  pdf: string,
  page: number,
  dpi: number,
): Promise<Record<string, number>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pdfupload-ref-"));
  try {
    execFileSync("gs", [
      "-q",
      "-dSAFER",
      "-dBATCH",
      "-dNOPAUSE",
      "-sDEVICE=tiffsep",
      `-r${dpi}`,
      `-dFirstPage=${page}`,
      `-dLastPage=${page}`,
      `-sOutputFile=${path.join(dir, "r.tif")}`,
      pdf,
    ]);
    const out: Record<string, number> = {};
    for (const f of readdirSync(dir)) {
      const m = /^r\((.*)\)\.tif$/.exec(f);
      if (!m) continue;
      const { data, info } = await sharp(path.join(dir, f))
        .extractChannel(0)
        .raw()
        .toBuffer({ resolveWithObject: true });
      let sum = 0;
      for (const v of data) sum += 255 - v;
      out[decodeURIComponent(m[1])] = (sum / (255 * info.width * info.height)) * 100;
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Ghostscript `ink_cov` (C, M, Y, K percent) of one page at `dpi`. */
export function inkCovReference(pdf: string, page: number, dpi: number): Record<string, number> {
  const out = execFileSync(
    "gs",
    [
      "-q",
      "-dSAFER",
      "-dBATCH",
      "-dNOPAUSE",
      "-sDEVICE=ink_cov",
      `-r${dpi}`,
      `-dFirstPage=${page}`,
      `-dLastPage=${page}`,
      "-sOutputFile=-",
      pdf,
    ],
    { encoding: "utf8" },
  );
  const m = /([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+CMYK/.exec(out);
  if (!m) throw new Error(`unexpected ink_cov output: ${out}`);
  return { Cyan: Number(m[1]), Magenta: Number(m[2]), Yellow: Number(m[3]), Black: Number(m[4]) };
}

/** sRGB of the proof/thumbnail pixel showing page point (x, y) of `box`. */
export async function rgbAt(
  image: string,
  box: Rect,
  x: number,
  y: number,
): Promise<[number, number, number]> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const px = Math.min(info.width - 1, Math.floor(((x - box[0]) / (box[2] - box[0])) * info.width));
  const py = Math.min(info.height - 1, Math.floor(((box[3] - y) / (box[3] - box[1])) * info.height));
  const i = (py * info.width + px) * info.channels;
  return [data[i], data[i + 1], data[i + 2]];
}

/** Processes whose command line mentions `needle` (to prove no gs is left running). */
export function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, "utf8").includes(needle)) pids.push(Number(d));
    } catch {
      // process gone
    }
  }
  return pids;
}
