// Crops every page to its paper by writing an incremental update: the original bytes are copied (a
// reflink where the file system can) and only the changed page dictionaries, a new xref section and
// a trailer are appended. A 1 GB sheet is therefore never loaded or re-serialised whole.
import {
  appendFileSync,
  closeSync,
  constants,
  copyFileSync,
  fstatSync,
  openSync,
  readSync,
  writeFileSync,
} from "node:fs";
import type * as mupdf from "mupdf";
import { type Note, note } from "../../../util/note.ts";
import { openPdf } from "../inspect/open-pdf.ts";
import { type PageScan, scanPage } from "./page-scan.ts";
import { RenderError } from "./render-error.ts";

export type Rect = [number, number, number, number];

export interface CropResult {
  /** The box each page was cropped to (PDF points, page space), by page index. */
  boxes: Rect[];
  /** /Rotate of each page (0, 90, 180, 270), by page index. */
  rotations: number[];
  /** Spot colour names each page can paint, by page index. */
  spots: PageScan[];
  warnings: Note[];
}

const BOXES_INSIDE = ["TrimBox", "BleedBox", "ArtBox"] as const;

export const normRect = (r: readonly number[]): Rect => [
  Math.min(r[0], r[2]),
  Math.min(r[1], r[3]),
  Math.max(r[0], r[2]),
  Math.max(r[1], r[3]),
];

export function intersect(a: Rect, b: Rect): Rect | null {
  const r: Rect = [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])];
  return r[2] - r[0] > 0.01 && r[3] - r[1] > 0.01 ? r : null;
}

const readRect = (o: mupdf.PDFObject): Rect | null => {
  if (!o || o.isNull() || !o.isArray() || o.length < 4) return null;
  const v = [0, 1, 2, 3].map((i) => o.get(i).asNumber());
  return v.every(Number.isFinite) ? normRect(v) : null;
};

const round = (n: number) => Math.round(n * 1000) / 1000;

function putRect(doc: mupdf.PDFDocument, dict: mupdf.PDFObject, key: string, r: Rect) {
  const arr = doc.newArray();
  for (const n of r) arr.push(doc.newReal(round(n)));
  dict.put(key, arr);
}

/** The page's visible area: CropBox clipped to MediaBox (what a viewer shows). */
export function visibleBox(page: mupdf.PDFObject): Rect | null {
  const media = readRect(page.getInheritable("MediaBox"));
  if (!media) return null;
  const crop = readRect(page.getInheritable("CropBox"));
  return (crop && intersect(crop, media)) || media;
}

/**
 * Writes `dest`: `src` with each page's MediaBox and CropBox set to `rects[i]` (clipped to the page),
 * or left at the visible page when `rects[i]` is missing. Trim/Bleed/Art boxes are clipped to the
 * new MediaBox so the file stays valid.
 */
export function writeCroppedPdf(src: string, dest: string, rects: (Rect | null | undefined)[]): CropResult {
  const opened = (() => {
    try {
      return openPdf(src);
    } catch (e) {
      throw new RenderError("crop-failed", `MuPDF could not open the PDF: ${(e as Error).message}`);
    }
  })();
  try {
    const { doc } = opened;
    // Only an open (user) password stops us; inspect refuses such a file before render.
    if (doc.needsPassword()) throw new RenderError("crop-failed", "the PDF needs a password to open");
    const warnings: Note[] = [];
    const boxes: Rect[] = [];
    const rotations: number[] = [];
    const spots: PageScan[] = [];
    const changed: { num: number; gen: number; body: string }[] = [];
    // Every page looked up before any is changed: a change drops MuPDF's page-tree cache, and a
    // lookup after each change made the crop quadratic (20 000 pages: 62 s, measured).
    const refs = Array.from({ length: doc.countPages() }, (_, i) => doc.findPage(i));
    for (const [i, ref] of refs.entries()) {
      const page = ref.resolve();
      const visible = visibleBox(page);
      if (!visible) throw new RenderError("bad-crop", `page ${i + 1} has no usable MediaBox`);
      const media = readRect(page.getInheritable("MediaBox")) as Rect;
      let box = visible;
      const want = rects[i];
      if (want) {
        const clipped = intersect(normRect(want), media);
        if (!clipped)
          warnings.push(
            note("crop.outside", `page ${i + 1}: the paper lies outside the page; the whole page is shown`, {
              page: i + 1,
            }),
          );
        else {
          const [w, h] = [want[2] - want[0], want[3] - want[1]];
          if (
            Math.abs(clipped[2] - clipped[0] - Math.abs(w)) > 1 ||
            Math.abs(clipped[3] - clipped[1] - Math.abs(h)) > 1
          )
            warnings.push(
              note("crop.larger", `page ${i + 1}: the paper is larger than the page; cropped to the page`, {
                page: i + 1,
              }),
            );
          box = clipped;
        }
      }
      boxes.push(box);
      spots.push(scanPage(page));
      const rot = page.getInheritable("Rotate");
      rotations.push(rot.isNumber() ? (((Math.round(rot.asNumber() / 90) * 90) % 360) + 360) % 360 : 0);
      putRect(doc, page, "MediaBox", box);
      putRect(doc, page, "CropBox", box);
      for (const key of BOXES_INSIDE) {
        const r = readRect(page.get(key));
        if (!r) continue;
        const inside = intersect(r, box);
        if (inside) putRect(doc, page, key, inside);
        else page.delete(key);
      }
      if (!ref.isIndirect()) throw new RenderError("crop-failed", `page ${i + 1} is not an indirect object`);
      const gen = Number(/^\d+ (\d+) R$/.exec(ref.toString())?.[1] ?? 0);
      changed.push({ num: ref.asIndirect(), gen, body: page.toString(true, true) });
    }
    // An owner-password-only file (restrictions, empty open password) opens like any other. An
    // appended update would have to encrypt the changed page dictionaries' strings, which MuPDF.js
    // cannot do for us: write the cropped copy whole and unencrypted. It is our private working
    // copy; the original is delivered untouched.
    const encrypted = !doc.getTrailer().get("Encrypt").isNull();
    if (doc.wasRepaired() || encrypted) {
      // A broken xref: an update pointing back at it would be broken too, so also written whole.
      const buf = doc.saveToBuffer(encrypted ? "encrypt=none,garbage=no" : "garbage=no");
      writeFileSync(dest, buf.asUint8Array());
      buf.destroy();
      return { boxes, rotations, spots, warnings };
    }
    appendUpdate(src, dest, doc, changed);
    return { boxes, rotations, spots, warnings };
  } finally {
    opened.close();
  }
}

/** Offset of the last `startxref` and whether it points at an xref stream (not a classic table). */
function lastXref(path: string): { offset: number; isStream: boolean; size: number } {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const tailLen = Math.min(size, 4096);
    const tail = Buffer.alloc(tailLen);
    readSync(fd, tail, 0, tailLen, size - tailLen);
    const m = [...tail.toString("latin1").matchAll(/startxref\s+(\d+)/g)].at(-1);
    if (!m) throw new RenderError("crop-failed", "no startxref at the end of the PDF");
    const offset = Number(m[1]);
    const head = Buffer.alloc(32);
    readSync(fd, head, 0, 32, offset);
    return { offset, isStream: !head.toString("latin1").trimStart().startsWith("xref"), size };
  } finally {
    closeSync(fd);
  }
}

function appendUpdate(
  src: string,
  dest: string,
  doc: mupdf.PDFDocument,
  changed: { num: number; gen: number; body: string }[],
): void {
  const prev = lastXref(src);
  copyFileSync(src, dest, constants.COPYFILE_FICLONE);
  const trailer = doc.getTrailer();
  const keep = ["Root", "Info", "ID"]
    .map((k) => [k, trailer.get(k)] as const)
    .filter(([, v]) => v && !v.isNull())
    .map(([k, v]) => `/${k} ${v.toString(true, true)}`)
    .join(" ");
  const sizeIn = Math.max(trailer.get("Size").asNumber() || 0, doc.countObjects());

  const parts: Buffer[] = [];
  let pos = prev.size;
  const push = (s: string | Buffer) => {
    const b = typeof s === "string" ? Buffer.from(s, "latin1") : s;
    parts.push(b);
    pos += b.length;
  };
  push("\n");
  const offsets: { num: number; gen: number; at: number }[] = [];
  for (const c of changed.sort((a, b) => a.num - b.num)) {
    offsets.push({ num: c.num, gen: c.gen, at: pos });
    push(`${c.num} ${c.gen} obj\n${c.body}\nendobj\n`);
  }
  if (!prev.isStream) {
    const xrefAt = pos;
    let table = "xref\n";
    for (const o of offsets)
      table += `${o.num} 1\n${String(o.at).padStart(10, "0")} ${String(o.gen).padStart(5, "0")} n\r\n`;
    push(table);
    push(`trailer\n<</Size ${sizeIn} ${keep} /Prev ${prev.offset}>>\nstartxref\n${xrefAt}\n%%EOF\n`);
  } else {
    // The original uses xref streams: answer in kind (uncompressed, W [1 4 2]).
    const self = sizeIn;
    const xrefAt = pos;
    const entries = [
      ...offsets.map((o) => ({ num: o.num, at: o.at, gen: o.gen })),
      { num: self, at: xrefAt, gen: 0 },
    ];
    const data = Buffer.alloc(entries.length * 7);
    entries.forEach((e, i) => {
      data.writeUInt8(1, i * 7);
      data.writeUInt32BE(e.at, i * 7 + 1);
      data.writeUInt16BE(e.gen, i * 7 + 5);
    });
    const index = entries.map((e) => `${e.num} 1`).join(" ");
    push(
      `${self} 0 obj\n<</Type/XRef/Size ${self + 1} ${keep} /Prev ${prev.offset} /W[1 4 2] /Index[${index}] /Length ${data.length}>>\nstream\n`,
    );
    push(data);
    push(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`);
  }
  appendFileSync(dest, Buffer.concat(parts));
}
