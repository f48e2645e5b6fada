// A CIP3 PPF reader of the tests' own, written from the specification and sharing nothing with
// src/ppf: it tokenises the file as PostScript (names, numbers, strings, arrays, `def`), takes the
// binary image data that follows each CIP3PreviewImage, and checks the structure as it goes.

export interface PpfImage {
  name: string;
  width: number;
  height: number;
  bitsPerComp: number;
  components: number;
  matrix: number[];
  resolution: number[];
  encoding: string;
  compression: string;
  /** As stored: 0 = solid ink, 255 = none. */
  data: Uint8Array;
}

export interface PpfFile {
  header: string[];
  jobName: string;
  sheetName: string;
  extentPt: [number, number];
  separationNames: string[];
  side: "Front" | "Back";
  images: PpfImage[];
}

type Value = number | string | { name: string } | Value[];

class Lexer {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  private skip(): void {
    while (this.pos < this.buf.length) {
      const c = this.buf[this.pos];
      if (c === 0x25) {
        // comment to end of line
        while (this.pos < this.buf.length && this.buf[this.pos] !== 0x0a) this.pos++;
      } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  /** The next token: an operator word, a literal name, a number, a string or an array. */
  next(): Value | { op: string } | null {
    this.skip();
    if (this.pos >= this.buf.length) return null;
    const c = String.fromCharCode(this.buf[this.pos]);
    if (c === "(") return this.string();
    if (c === "[") {
      this.pos++;
      const items: Value[] = [];
      for (;;) {
        this.skip();
        if (this.buf[this.pos] === 0x5d) {
          this.pos++;
          return items;
        }
        const t = this.next();
        if (t === null || (typeof t === "object" && "op" in t)) throw new Error("bad array");
        items.push(t as Value);
      }
    }
    const start = this.pos;
    while (this.pos < this.buf.length && !/[\s()[\]/%]/.test(String.fromCharCode(this.buf[this.pos])))
      this.pos++;
    if (c === "/") {
      this.pos++;
      while (this.pos < this.buf.length && !/[\s()[\]/%]/.test(String.fromCharCode(this.buf[this.pos])))
        this.pos++;
      return { name: this.buf.toString("latin1", start + 1, this.pos) };
    }
    const word = this.buf.toString("latin1", start, this.pos);
    if (/^[-+]?(\d+\.?\d*|\.\d+)$/.test(word)) return Number(word);
    return { op: word };
  }

  private string(): string {
    this.pos++; // (
    const bytes: number[] = [];
    let depth = 1;
    while (this.pos < this.buf.length) {
      const b = this.buf[this.pos++];
      if (b === 0x5c) {
        const n = this.buf[this.pos];
        if (n >= 0x30 && n <= 0x37) {
          let oct = "";
          while (oct.length < 3 && this.buf[this.pos] >= 0x30 && this.buf[this.pos] <= 0x37)
            oct += String.fromCharCode(this.buf[this.pos++]);
          bytes.push(Number.parseInt(oct, 8));
        } else {
          this.pos++;
          const map: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12 };
          bytes.push(map[String.fromCharCode(n)] ?? n);
        }
        continue;
      }
      if (b === 0x28) depth++;
      if (b === 0x29 && --depth === 0) break;
      bytes.push(b);
    }
    return Buffer.from(bytes).toString("utf8");
  }
}

/** PostScript RunLengthDecode from `start` to its end-of-data byte (128). */
export function runLengthDecode(buf: Buffer, start: number): { data: Uint8Array; end: number } {
  const out: number[] = [];
  let p = start;
  for (;;) {
    if (p >= buf.length) throw new Error("run-length data without end-of-data");
    const len = buf[p++];
    if (len === 128) break;
    if (len < 128) {
      for (let k = 0; k <= len; k++) out.push(buf[p++]);
    } else {
      const v = buf[p++];
      for (let k = 0; k < 257 - len; k++) out.push(v);
    }
  }
  return { data: Uint8Array.from(out), end: p };
}

export function readPpf(buf: Buffer): PpfFile {
  const firstLines = buf.toString("latin1", 0, 200).split("\n");
  if (firstLines[0] !== "%!PS-Adobe-3.0") throw new Error("no %!PS-Adobe-3.0 line");
  if (firstLines[1] !== "%%CIP3-File Version 3.0") throw new Error("no %%CIP3-File Version 3.0 line");
  const lex = new Lexer(buf);
  const dict = new Map<string, Value>();
  const stack: Value[] = [];
  const out: Partial<PpfFile> & { images: PpfImage[] } = { header: firstLines.slice(0, 2), images: [] };
  const open: string[] = [];
  let sepDict = new Map<string, Value>();
  for (let t = lex.next(); t !== null; t = lex.next()) {
    if (typeof t === "object" && "op" in t) {
      const op = t.op;
      if (op === "def") {
        const v = stack.pop() as Value;
        const k = stack.pop() as { name: string };
        (open.at(-1) === "Separation" ? sepDict : dict).set(k.name, v);
      } else if (/^CIP3Begin/.test(op)) {
        open.push(op.slice("CIP3Begin".length));
        if (op === "CIP3BeginSeparation") sepDict = new Map();
        if (op === "CIP3BeginFront" || op === "CIP3BeginBack") out.side = op.slice(9) as "Front" | "Back";
      } else if (/^CIP3End/.test(op)) {
        const which = op.slice("CIP3End".length);
        if (open.pop() !== which) throw new Error(`${op} closes nothing`);
      } else if (op === "CIP3PreviewImage") {
        const n = (k: string) => sepDict.get(`CIP3PreviewImage${k}`) as number;
        const w = n("Width");
        const h = n("Height");
        const enc = (sepDict.get("CIP3PreviewImageEncoding") as { name: string }).name;
        if (enc !== "Binary") throw new Error(`encoding ${enc} not read by this test reader`);
        const compression = (sepDict.get("CIP3PreviewImageCompression") as { name: string }).name;
        // One whitespace byte after the operator, then the samples.
        const start = lex.pos + 1;
        let data: Uint8Array;
        if (compression === "None") {
          data = new Uint8Array(buf.subarray(start, start + w * h));
          lex.pos = start + w * h;
        } else if (compression === "RunLengthDecode") {
          const r = runLengthDecode(buf, start);
          data = r.data;
          lex.pos = r.end;
        } else throw new Error(`compression ${compression} not read by this test reader`);
        if (data.length !== w * h) throw new Error(`image data holds ${data.length} samples, not ${w * h}`);
        const names = (dict.get("CIP3AdmSeparationNames") as string[]) ?? [];
        out.images.push({
          name: names[out.images.length],
          width: w,
          height: h,
          bitsPerComp: n("BitsPerComp"),
          components: n("Components"),
          matrix: sepDict.get("CIP3PreviewImageMatrix") as number[],
          resolution: sepDict.get("CIP3PreviewImageResolution") as number[],
          encoding: enc,
          compression,
          data,
        });
      } else throw new Error(`unknown operator ${op}`);
    } else stack.push(t);
  }
  if (open.length) throw new Error(`unclosed ${open.join(", ")}`);
  if (!buf.toString("latin1", buf.length - 40).includes("%%CIP3EndOfFile"))
    throw new Error("no %%CIP3EndOfFile");
  return {
    header: out.header as string[],
    jobName: dict.get("CIP3AdmJobName") as string,
    sheetName: dict.get("CIP3AdmSheetName") as string,
    extentPt: dict.get("CIP3AdmPSExtent") as [number, number],
    separationNames: dict.get("CIP3AdmSeparationNames") as string[],
    side: out.side as "Front" | "Back",
    images: out.images,
  };
}

/**
 * What the press computes: ink per zone from one image laid over the extent by its matrix (here the
 * unit-square form [w 0 0 -h 0 h], rows top to bottom), zones given in mm from the extent's left edge.
 * Percent over the part of each zone inside the extent; null when none is.
 */
export function pressZoneCoverage(
  img: PpfImage,
  extentPt: [number, number],
  zones: { fromMm: number; toMm: number }[],
): (number | null)[] {
  const [a, b, c, d, e, f] = img.matrix;
  if (a !== img.width || b !== 0 || c !== 0 || d !== -img.height || e !== 0 || f !== img.height)
    throw new Error(`matrix ${img.matrix.join(" ")} not read by this test reader`);
  const mmPerPx = ((extentPt[0] / 72) * 25.4) / img.width;
  const ink = new Float64Array(img.width);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) ink[x] += (255 - img.data[y * img.width + x]) / 255;
  return zones.map((z) => {
    const from = Math.max(0, z.fromMm / mmPerPx);
    const to = Math.min(img.width, z.toMm / mmPerPx);
    if (to <= from) return null;
    let sum = 0;
    for (let x = 0; x < img.width; x++) {
      const part = Math.min(to, x + 1) - Math.max(from, x);
      if (part > 0) sum += ink[x] * part;
    }
    return (sum / ((to - from) * img.height)) * 100;
  });
}
