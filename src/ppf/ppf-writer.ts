// CIP3 PPF 3.0 (Print Production Format) for one sheet: the preview image of each separation that a
// press reads to preset its ink keys. The file is PostScript-shaped but never run; structure as the
// specification gives it: CIP3BeginSheet, administration data, one side (front or back) with one
// CIP3PreviewImage per separation, CIP3EndSheet.
//
// Images are 8 bits, one component, in the spec's convention of a film: 0 is solid ink, 255 no ink.
// Each image covers the sheet extent (`CIP3AdmPSExtent`, the paper in the plate's frame, gripper edge
// at the bottom); its matrix maps the unit square onto the image rows top to bottom, so the press
// that lays its zones across the extent meets the same ink as our own zone figures.
import type { FrameSeparation } from "./ink-zones.ts";

export interface PpfSeparation {
  name: string;
  /** Null: a plate Signa lists that carries no ink (written as an empty image). */
  image: Pick<FrameSeparation, "grid" | "gridWidth" | "gridHeight" | "gridDpi"> | null;
}

export interface PpfSheet {
  jobName: string;
  sheetName: string;
  side: "front" | "back";
  /** The sheet (paper) in the plate's frame, points: width along the gripper edge. */
  extentPt: [number, number];
  /** In Signa's order; the preview size of the first image serves the empty ones. */
  separations: PpfSeparation[];
  software?: string;
  created?: Date;
}

/**
 * A PostScript string literal: `\`, `(`, `)` escaped, every byte outside printable ASCII as an octal
 * escape (names are UTF-8 bytes; a reader that knows only Latin-1 still keeps them apart).
 */
export function psString(text: string): string {
  let out = "(";
  for (const b of Buffer.from(text, "utf8")) {
    if (b === 0x5c || b === 0x28 || b === 0x29) out += `\\${String.fromCharCode(b)}`;
    else if (b < 0x20 || b > 0x7e) out += `\\${b.toString(8).padStart(3, "0")}`;
    else out += String.fromCharCode(b);
  }
  return `${out})`;
}

/**
 * PostScript RunLengthDecode data (PLRM 3.13.3): a length byte 0-127 copies the next n+1 bytes, 129-255
 * repeats the next byte 257-n times, 128 ends the data. Sheets are mostly blank paper: a preview
 * shrinks to a few percent of its 8-bit size.
 */
export function runLengthEncode(data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(data.length + Math.ceil(data.length / 128) + 1);
  let o = 0;
  let i = 0;
  while (i < data.length) {
    let run = 1;
    while (run < 128 && i + run < data.length && data[i + run] === data[i]) run++;
    if (run >= 2) {
      out[o++] = 257 - run;
      out[o++] = data[i];
      i += run;
      continue;
    }
    // Literal bytes up to the next run of two or more.
    let lit = 1;
    while (
      lit < 128 &&
      i + lit < data.length &&
      !(i + lit + 1 < data.length && data[i + lit] === data[i + lit + 1])
    )
      lit++;
    out[o++] = lit - 1;
    out.set(data.subarray(i, i + lit), o);
    o += lit;
    i += lit;
  }
  out[o++] = 128;
  return out.subarray(0, o);
}

const num = (n: number) => String(Math.round(n * 1000) / 1000);

/** The whole PPF file. */
export function writePpf(sheet: PpfSheet): Buffer {
  const first = sheet.separations.find((s) => s.image)?.image;
  if (!first) throw new Error("a PPF needs at least one separation with a preview image");
  const created = sheet.created ?? new Date();
  const chunks: Buffer[] = [];
  const line = (s: string) => chunks.push(Buffer.from(`${s}\n`, "latin1"));
  const side = sheet.side === "back" ? "Back" : "Front";
  line("%!PS-Adobe-3.0");
  line("%%CIP3-File Version 3.0");
  line(`%%Creator: ${sheet.software ?? "pdfupload"}`);
  line(`%%CreationDate: ${created.toISOString()}`);
  line("%%EndComments");
  line("CIP3BeginSheet");
  line(`/CIP3AdmJobName ${psString(sheet.jobName)} def`);
  line(`/CIP3AdmSheetName ${psString(sheet.sheetName)} def`);
  line(`/CIP3AdmSoftware ${psString(sheet.software ?? "pdfupload")} def`);
  line(`/CIP3AdmCreationTime ${psString(created.toISOString())} def`);
  line(`/CIP3AdmPSExtent [${num(sheet.extentPt[0])} ${num(sheet.extentPt[1])}] def`);
  line(`/CIP3AdmSeparationNames [${sheet.separations.map((s) => psString(s.name)).join(" ")}] def`);
  line("/CIP3TransformationMatrix [1 0 0 1 0 0] def");
  line(`CIP3Begin${side}`);
  line("CIP3BeginPreviewImage");
  for (const sep of sheet.separations) {
    const img = sep.image ?? { ...first, grid: new Uint8Array(first.grid.length) };
    const w = img.gridWidth;
    const h = img.gridHeight;
    line("CIP3BeginSeparation");
    line(`/CIP3PreviewImageWidth ${w} def`);
    line(`/CIP3PreviewImageHeight ${h} def`);
    line("/CIP3PreviewImageBitsPerComp 8 def");
    line("/CIP3PreviewImageComponents 1 def");
    line(`/CIP3PreviewImageMatrix [${w} 0 0 ${-h} 0 ${h}] def`);
    line(`/CIP3PreviewImageResolution [${num(img.gridDpi)} ${num(img.gridDpi)}] def`);
    line("/CIP3PreviewImageEncoding /Binary def");
    line("/CIP3PreviewImageCompression /RunLengthDecode def");
    line("CIP3PreviewImage");
    // Film convention: the ink amount inverted.
    const grid = img.grid;
    const data = Buffer.allocUnsafe(w * h);
    for (let i = 0; i < data.length; i++) data[i] = 255 - grid[i];
    chunks.push(runLengthEncode(data));
    line("");
    line("CIP3EndSeparation");
  }
  line("CIP3EndPreviewImage");
  line(`CIP3End${side}`);
  line("CIP3EndSheet");
  line("%%CIP3EndOfFile");
  return Buffer.concat(chunks);
}
