// Reads the uncompressed 8-bit TIFFs Ghostscript writes (`-sCompression=none`) strip by strip and sums
// ink per channel, in bounded memory: no decode library, no colour conversion on the way.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";

export interface TiffInfo {
  width: number;
  height: number;
  samplesPerPixel: number;
  strips: { offset: number; length: number }[];
}

const TAG = {
  width: 256,
  height: 257,
  bps: 258,
  compression: 259,
  offsets: 273,
  spp: 277,
  counts: 279,
  planar: 284,
};
const SIZE: Record<number, number> = { 1: 1, 3: 2, 4: 4, 16: 8 };

function readAt(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  const n = readSync(fd, b, 0, len, pos);
  if (n < len) throw new Error("TIFF truncated");
  return b;
}

export function readTiffInfo(fd: number): TiffInfo {
  const head = readAt(fd, 0, 8);
  const le = head.toString("latin1", 0, 2) === "II";
  if (!le && head.toString("latin1", 0, 2) !== "MM") throw new Error("not a TIFF");
  const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const ifd = u32(head, 4);
  const count = u16(readAt(fd, ifd, 2), 0);
  const entries = readAt(fd, ifd + 2, count * 12);
  const values = (i: number): number[] => {
    const type = u16(entries, i * 12 + 2);
    const n = u32(entries, i * 12 + 4);
    const size = SIZE[type];
    if (!size) return [];
    const bytes = size * n;
    const src =
      bytes <= 4 ? entries.subarray(i * 12 + 8, i * 12 + 12) : readAt(fd, u32(entries, i * 12 + 8), bytes);
    const out: number[] = [];
    for (let k = 0; k < n; k++) {
      if (size === 1) out.push(src[k]);
      else if (size === 2) out.push(u16(src, k * 2));
      else out.push(u32(src, k * 4));
    }
    return out;
  };
  const tags = new Map<number, number[]>();
  for (let i = 0; i < count; i++) tags.set(u16(entries, i * 12), values(i));
  const one = (t: number, dflt?: number) => {
    const v = tags.get(t)?.[0] ?? dflt;
    if (v === undefined) throw new Error(`TIFF tag ${t} missing`);
    return v;
  };
  if (one(TAG.compression, 1) !== 1) throw new Error("TIFF is compressed");
  if ((tags.get(TAG.bps) ?? [8]).some((b) => b !== 8)) throw new Error("TIFF is not 8 bits per sample");
  if (one(TAG.planar, 1) !== 1) throw new Error("TIFF is planar");
  const offsets = tags.get(TAG.offsets) ?? [];
  const counts = tags.get(TAG.counts) ?? [];
  return {
    width: one(TAG.width),
    height: one(TAG.height),
    samplesPerPixel: one(TAG.spp, 1),
    strips: offsets.map((offset, i) => ({ offset, length: counts[i] ?? 0 })),
  };
}

/**
 * Strips that follow each other in the file as one range: Ghostscript writes a strip per row, and
 * one asynchronous read per row costs ~6x the sum itself (measured), so reads span strips.
 */
function mergeContiguous(strips: TiffInfo["strips"]): TiffInfo["strips"] {
  const out: TiffInfo["strips"] = [];
  for (const s of strips) {
    const last = out.at(-1);
    if (last && last.offset + last.length === s.offset) last.length += s.length;
    else out.push({ ...s });
  }
  return out;
}

/**
 * Adds `chunk[0..n)` to the per-channel sums and widens each channel's [low, high] range. Strips hold
 * whole pixels and chunks are a multiple of spp, so channel = index mod spp.
 */
function addChannelSums(
  chunk: Buffer,
  n: number,
  spp: number,
  sums: Float64Array,
  low: Uint8Array,
  high: Uint8Array,
): void {
  if (spp === 1) {
    let acc = 0;
    let lo = low[0];
    let hi = high[0];
    for (let i = 0; i < n; i++) {
      const v = chunk[i];
      acc += v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    sums[0] += acc;
    low[0] = lo;
    high[0] = hi;
  } else if (spp === 4) {
    let c = 0;
    let m = 0;
    let y = 0;
    let k = 0;
    let hc = high[0];
    let hm = high[1];
    let hy = high[2];
    let hk = high[3];
    for (let i = 0; i < n; i += 4) {
      const vc = chunk[i];
      const vm = chunk[i + 1];
      const vy = chunk[i + 2];
      const vk = chunk[i + 3];
      c += vc;
      m += vm;
      y += vy;
      k += vk;
      if (vc > hc) hc = vc;
      if (vm > hm) hm = vm;
      if (vy > hy) hy = vy;
      if (vk > hk) hk = vk;
    }
    sums[0] += c;
    sums[1] += m;
    sums[2] += y;
    sums[3] += k;
    high[0] = hc;
    high[1] = hm;
    high[2] = hy;
    high[3] = hk;
    // CMYK composites store ink as 255, so their lows are never asked for.
  } else {
    for (let i = 0; i < n; i++) {
      const ch = i % spp;
      const v = chunk[i];
      sums[ch] += v;
      if (v < low[ch]) low[ch] = v;
      if (v > high[ch]) high[ch] = v;
    }
  }
}

/**
 * Ink coverage in percent per channel of an uncompressed 8-bit TIFF, and each channel's peak (the
 * strongest ink of one pixel, percent). `inkIs255`: CMYK composites store
 * ink as 255; tiffsep's separation files store it as 0. Reads a chunk at a time and yields between
 * chunks, so a big raster never holds the event loop (the web server shares it) for long.
 */
export async function tiffChannelCoverage(
  path: string,
  inkIs255: boolean,
  /** Also fed every chunk read, in image order (the ink-zone and PPF rasters ride on this read). */
  sink?: (info: TiffInfo) => (chunk: Buffer, n: number) => void,
): Promise<{ width: number; height: number; coverage: number[]; peak: number[] }> {
  const file = await open(path, "r");
  try {
    const info = readTiffInfo(file.fd);
    const feed = sink?.(info);
    const spp = info.samplesPerPixel;
    const sums = new Float64Array(spp);
    const low = new Uint8Array(spp).fill(255);
    const high = new Uint8Array(spp);
    const chunk = Buffer.alloc((4 << 20) - ((4 << 20) % spp));
    let total = 0;
    for (const s of mergeContiguous(info.strips)) {
      let done = 0;
      while (done < s.length) {
        const { bytesRead: n } = await file.read(
          chunk,
          0,
          Math.min(chunk.length, s.length - done),
          s.offset + done,
        );
        if (n <= 0) throw new Error("TIFF truncated");
        addChannelSums(chunk, n, spp, sums, low, high);
        feed?.(chunk, n);
        done += n;
        total += n;
      }
    }
    const px = total / spp;
    const coverage = Array.from(sums, (s) => {
      if (!px) return 0;
      const ink = inkIs255 ? s : 255 * px - s;
      return (ink / (255 * px)) * 100;
    });
    // The strongest ink of any one pixel, percent: a plate with a small solid element is not blank.
    const peak = Array.from(high, (hi, i) => (px ? ((inkIs255 ? hi : 255 - low[i]) / 255) * 100 : 0));
    return { width: info.width, height: info.height, coverage, peak };
  } finally {
    await file.close();
  }
}

/**
 * True when `path` is a whole TIFF: its directory parses, every strip lies inside the file and the
 * strips hold every pixel. A page file Ghostscript was writing when it was stopped fails this (its
 * directory comes last), and so does one it wrote onto a full disk: gs then exits 0 and leaves
 * strips of 0 bytes, which would read as a page without ink.
 */
export function tiffComplete(path: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(path, "r");
    const info = readTiffInfo(fd);
    const size = fstatSync(fd).size;
    const bytes = info.strips.reduce((sum, s) => sum + s.length, 0);
    return (
      info.strips.length > 0 &&
      info.strips.every((s) => s.length > 0 && s.offset + s.length <= size) &&
      bytes >= info.width * info.height * info.samplesPerPixel
    );
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
