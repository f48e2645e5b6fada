// Limits checked before MuPDF does any heavy work on a file: page size and "PDF bombs" (a few KB of
// compressed stream that decode to gigabytes). Each breach is a `too-large` rejection.
import zlib from "node:zlib";
import type * as mupdf from "mupdf";
import type { AnalysisError } from "../../../analysis/types.ts";
import { note } from "../../../util/note.ts";
import { lzwDecodedSize, runLengthDecodedSize } from "./decoded-size.ts";
import { analysisError } from "./errors.ts";
import type { PageBoxes } from "./inspect.ts";
import { noteReaderFault } from "./reader-fault.ts";

const PT_PER_MM = 72 / 25.4;

/** Refuses a page whose MediaBox has a side longer than `maxPageMm`. */
export function checkPageSizes(boxes: PageBoxes[], maxPageMm: number): AnalysisError | null {
  for (const b of boxes) {
    const w = (b.mediaBox[2] - b.mediaBox[0]) / PT_PER_MM;
    const h = (b.mediaBox[3] - b.mediaBox[1]) / PT_PER_MM;
    if (Math.max(w, h) > maxPageMm) {
      return analysisError(
        "too-large",
        note(
          "reason.page-over-limit",
          `Page ${b.page} is ${Math.round(w)} × ${Math.round(h)} mm, over the limit of ${maxPageMm} mm a side.`,
          { page: b.page, width: Math.round(w), height: Math.round(h), limit: maxPageMm },
        ),
      );
    }
  }
  return null;
}

// Most a filter can multiply its input by (zlib's deflate tops out near 1032:1; LZW codes of ≥ 9 bits
// expand to at most 4096 bytes; a RunLength pair to 128 bytes; ASCII85 `z` to 4 bytes).
const EXPANSION: Record<string, number> = {
  FlateDecode: 1032,
  Fl: 1032,
  LZWDecode: 3641,
  LZW: 3641,
  RunLengthDecode: 64,
  RL: 64,
  ASCII85Decode: 4,
  A85: 4,
  ASCIIHexDecode: 0.5,
  AHx: 0.5,
};

const COMPONENTS: Record<string, number> = {
  DeviceGray: 1,
  G: 1,
  CalGray: 1,
  Indexed: 1,
  I: 1,
  Separation: 1,
  DeviceRGB: 3,
  RGB: 3,
  CalRGB: 3,
  Lab: 3,
  DeviceCMYK: 4,
  CMYK: 4,
};

function filterNames(f: mupdf.PDFObject): string[] | null {
  if (f.isNull()) return [];
  if (f.isName()) return [f.asName()];
  if (!f.isArray()) return null;
  const out: string[] = [];
  for (let i = 0; i < f.length; i++) {
    const n = f.get(i);
    if (!n.isName()) return null;
    out.push(n.asName());
  }
  return out;
}

function components(cs: mupdf.PDFObject): number {
  if (cs.isName()) return COMPONENTS[cs.asName()] ?? 4;
  if (cs.isArray() && cs.length > 0) {
    const kind = cs.get(0);
    const name = kind.isName() ? kind.asName() : "";
    if (name === "ICCBased") {
      const n = cs.get(1).get("N");
      return n.isNumber() ? n.asNumber() : 4;
    }
    if (name === "DeviceN") {
      const names = cs.get(1);
      return names.isArray() ? names.length : 4;
    }
    return COMPONENTS[name] ?? 4;
  }
  return 4;
}

/** Bytes an image decodes to, from its declared size (MuPDF decodes no more than that). */
function imageBytes(dict: mupdf.PDFObject): number {
  const w = dict.get("Width").asNumber() || 0;
  const h = dict.get("Height").asNumber() || 0;
  const mask = dict.get("ImageMask").asBoolean();
  const bpc = mask ? 1 : dict.get("BitsPerComponent").asNumber() || 8;
  const n = mask ? 1 : components(dict.get("ColorSpace"));
  return (Math.max(0, w) * Math.max(0, h) * n * bpc) / 8;
}

/** /EarlyChange of an LZW filter's parameters (default 1). */
function earlyChange(parms: mupdf.PDFObject): number {
  const d = parms.isArray() ? parms.get(0) : parms;
  const v = d.isDictionary() ? d.get("EarlyChange") : null;
  return v?.isNumber() ? v.asNumber() : 1;
}

/**
 * Bytes `raw` inflates to through `stages` Flate layers, counting without keeping the output and
 * stopping as soon as the count passes `cap`. Corrupt data counts up to where it breaks.
 */
export function inflatedSize(raw: Uint8Array, stages: number, cap: number): Promise<number> {
  return new Promise((resolve) => {
    const chain = Array.from({ length: stages }, () =>
      zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: 256 * 1024 }),
    );
    let count = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      for (const z of chain) z.destroy();
      resolve(count);
    };
    for (let i = 0; i < chain.length; i++) {
      chain[i].on("error", finish);
      if (i + 1 < chain.length) chain[i].pipe(chain[i + 1]);
    }
    const last = chain[chain.length - 1];
    last.on("data", (b: Buffer) => {
      count += b.length;
      if (count > cap) finish();
    });
    last.on("end", finish);
    chain[0].end(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
  });
}

/**
 * Looks at every stream object: an image whose declared pixels exceed `maxBytes`, or a Flate stream
 * that could inflate past `maxBytes` and does, is refused. Streams too small to reach the limit
 * through their filters are not decoded at all, so ordinary files cost one pass over the xref.
 * Flate chains, LZW and RunLength are counted; other filters and mixed chains are left to the child
 * process's memory limit.
 */
export async function checkStreams(doc: mupdf.PDFDocument, maxBytes: number): Promise<AnalysisError | null> {
  const mb = (n: number) => Math.round(n / 1024 / 1024);
  const tooLarge = (what: string) =>
    analysisError(
      "too-large",
      note(
        "reason.stream-over-limit",
        `${what}, over the limit of ${mb(maxBytes)} MB per stream (a damaged or deliberately inflated file).`,
        { detail: what, limit: mb(maxBytes) },
      ),
    );
  const n = doc.countObjects();
  for (let num = 1; num < n; num++) {
    let obj: mupdf.PDFObject;
    try {
      obj = doc.newIndirect(num);
      if (!obj.isStream()) continue;
    } catch (e) {
      noteReaderFault(e);
      continue; // a broken object: MuPDF's own reading reports what matters
    }
    const dict = obj.resolve();
    const subtype = dict.get("Subtype");
    if (subtype.isName() && subtype.asName() === "Image") {
      const bytes = imageBytes(dict);
      if (bytes > maxBytes) {
        const w = dict.get("Width").asNumber();
        const h = dict.get("Height").asNumber();
        return tooLarge(`An image of ${w} × ${h} pixels would take ${mb(bytes)} MB to decode`);
      }
      continue;
    }
    const filters = filterNames(dict.get("Filter"));
    if (!filters || filters.length === 0) continue;
    const declared = dict.get("Length");
    let rawLen = declared.isNumber() ? declared.asNumber() : Number.POSITIVE_INFINITY;
    const bound = (len: number) =>
      filters.reduce((b, f) => b * (EXPANSION[f] ?? Number.POSITIVE_INFINITY), len);
    if (bound(rawLen) <= maxBytes) continue;
    const only = filters.length === 1 ? filters[0] : "";
    const isFlate = filters.every((f) => f === "FlateDecode" || f === "Fl");
    const isLzw = only === "LZWDecode" || only === "LZW";
    const isRunLength = only === "RunLengthDecode" || only === "RL";
    if (!isFlate && !isLzw && !isRunLength) continue;
    let raw: Uint8Array;
    try {
      const buf = obj.readRawStream();
      raw = buf.asUint8Array().slice();
      buf.destroy();
    } catch (e) {
      noteReaderFault(e);
      continue;
    }
    rawLen = raw.byteLength;
    if (bound(rawLen) <= maxBytes) continue;
    const size = isFlate
      ? await inflatedSize(raw, filters.length, maxBytes)
      : isLzw
        ? lzwDecodedSize(raw, maxBytes, earlyChange(dict.get("DecodeParms")))
        : runLengthDecodedSize(raw, maxBytes);
    if (size > maxBytes) {
      return tooLarge(`Object ${num} (${rawLen} bytes compressed) inflates to more than ${mb(maxBytes)} MB`);
    }
  }
  return null;
}
