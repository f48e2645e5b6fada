// Render speed against the chain the original ran per file, and peak memory on a ~1 GB sheet.
//
//   original: gs pdfwrite (150 ppi) → gs -sDEVICE=jpeg -r200 of page 1 → convert -resize 2500 →
//             convert -resize 175 → gs -sDEVICE=ink_cov (each spawned in turn)
//   ours:     renderSheets(): crop by incremental update, pdfwrite preview ‖ one tiffsep pass per page
//             (proof + thumbnail + every separation's coverage for EVERY page, not only page 1)
//
// The original chain is given the already-cropped file for free (its crop time is not counted).
// Run: npx tsx bench/render.bench.ts [--repeat 3] [--big-gb 1] [--skip-big] [--skip-speed]
import { spawn } from "node:child_process";
import { randomFillSync } from "node:crypto";
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import type { Analysis } from "../src/analysis/types.ts";
import { defaultSettings } from "../src/config/settings-schema.ts";
import { writeCroppedPdf } from "../src/pipeline/steps/render/crop-pdf.ts";
import { renderSheets } from "../src/pipeline/steps/render/index.ts";
import { signaAnalysis, signaSheet } from "../test/fixtures/analysis.ts";
import { originalRender } from "./original-chain.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const MM = 72 / 25.4;
const PLATE: [number, number] = [1030 * MM, 770 * MM];
const PAPER: [number, number, number, number] = [65 * MM, 40 * MM, 965 * MM, 680 * MM];
const render = defaultSettings().render;

// ---- a streaming PDF writer: big files never sit in memory -------------------------------------

class PdfWriter {
  private fd: number;
  private pos = 0;
  private offsets: number[] = [];
  constructor(path: string) {
    this.fd = openSync(path, "w");
    this.write("%PDF-1.6\n%\xe2\xe3\xcf\xd3\n");
  }
  private write(s: string | Uint8Array) {
    const b = typeof s === "string" ? Buffer.from(s, "latin1") : s;
    writeSync(this.fd, b);
    this.pos += b.length;
  }
  reserve(): number {
    this.offsets.push(0);
    return this.offsets.length;
  }
  obj(num: number, dict: string, stream?: Uint8Array) {
    this.offsets[num - 1] = this.pos;
    if (!stream) {
      this.write(`${num} 0 obj\n${dict}\nendobj\n`);
      return;
    }
    this.write(`${num} 0 obj\n${dict.replace(/>>\s*$/, `/Length ${stream.length}>>`)}\nstream\n`);
    this.write(stream);
    this.write("\nendstream\nendobj\n");
  }
  close(root: number) {
    const xref = this.pos;
    let t = `xref\n0 ${this.offsets.length + 1}\n0000000000 65535 f\r\n`;
    for (const o of this.offsets) t += `${String(o).padStart(10, "0")} 00000 n\r\n`;
    this.write(
      `${t}trailer\n<</Size ${this.offsets.length + 1}/Root ${root} 0 R>>\nstartxref\n${xref}\n%%EOF\n`,
    );
    closeSync(this.fd);
  }
}

interface SheetFile {
  pages: number;
  /** Images per page and their pixel size. */
  images: number;
  imagePx: [number, number];
  /** true: random pixels stored raw (incompressible, for the big-file test); false: photo-like, Flate. */
  noise: boolean;
  /** Paint a PANTONE spot (overprinting) on every page. */
  spot?: boolean;
}

function imageBytes(w: number, h: number, noise: boolean, seed: number): Uint8Array {
  const px = new Uint8Array(w * h * 4);
  if (noise) {
    randomFillSync(px);
    return px;
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const n = ((x * 7919 + y * 104729 + seed) % 23) - 11;
      px[i] = (x * 255) / w + n;
      px[i + 1] = (y * 255) / h + n;
      px[i + 2] = ((x + y + seed * 13) % 256) / 2 + n;
      px[i + 3] = ((x ^ y) & 63) + 10;
    }
  }
  return deflateSync(px, { level: 1 });
}

/** A Signa-like plate-size sheet: tint, images, overprinting spot and process art, marks outside the paper. */
function writeSheetFile(path: string, spec: SheetFile): void {
  const w = new PdfWriter(path);
  const catalog = w.reserve();
  const pagesObj = w.reserve();
  const spotFn = w.reserve();
  w.obj(spotFn, "<</FunctionType 2/Domain[0 1]/C0[0 0 0 0]/C1[0 0.93 0.79 0]/N 1>>");
  const kids: number[] = [];
  for (let p = 0; p < spec.pages; p++) {
    const imgs: number[] = [];
    for (let k = 0; k < spec.images; k++) {
      const n = w.reserve();
      const [iw, ih] = spec.imagePx;
      const data = imageBytes(iw, ih, spec.noise, p * 31 + k);
      w.obj(
        n,
        `<</Type/XObject/Subtype/Image/Width ${iw}/Height ${ih}/ColorSpace/DeviceCMYK/BitsPerComponent 8${spec.noise ? "" : "/Filter/FlateDecode"}>>`,
        data,
      );
      imgs.push(n);
    }
    const [x0, y0, x1, y1] = PAPER;
    const pw = x1 - x0;
    const ph = y1 - y0;
    let ops = `/GSko gs 0.05 0.02 0 0 k ${x0} ${y0} ${pw} ${ph} re f\n`;
    const cols = Math.ceil(Math.sqrt(spec.images));
    imgs.forEach((_n, k) => {
      const cw = (pw - 40) / cols;
      const ch = (ph - 40) / cols;
      const ix = x0 + 20 + (k % cols) * cw;
      const iy = y0 + 20 + Math.floor(k / cols) * ch;
      ops += `q ${cw - 10} 0 0 ${ch - 10} ${ix} ${iy} cm /Im${k} Do Q\n`;
    });
    if (spec.spot) ops += `/GSop gs /CS0 cs 1 scn ${x0 + 100} ${y0 + 100} 300 200 re f\n`;
    ops += `/GSop gs 0 1 0 0 k ${x0 + 500} ${y0 + 100} 300 200 re f\n`;
    for (let i = 0; i < 400; i++)
      ops += `/GSko gs ${(i % 4) / 4} 0.5 0 0 k ${x0 + 20 + (i % 40) * 60} ${y1 - 120 + Math.floor(i / 40) * 10} 50 8 re f\n`;
    // Colour bar and marks in the gripper margin, outside the paper.
    for (let i = 0; i < 60; i++)
      ops += `${i % 4 === 0 ? 1 : 0} ${i % 4 === 1 ? 1 : 0} ${i % 4 === 2 ? 1 : 0} ${i % 4 === 3 ? 1 : 0} k ${x0 + i * 40} 20 30 30 re f\n`;
    const content = w.reserve();
    w.obj(content, "<</Filter/FlateDecode>>", deflateSync(ops));
    const xo = imgs.map((n, k) => `/Im${k} ${n} 0 R`).join(" ");
    const page = w.reserve();
    w.obj(
      page,
      `<</Type/Page/Parent ${pagesObj} 0 R/MediaBox[0 0 ${PLATE[0]} ${PLATE[1]}]/TrimBox[${PAPER.join(" ")}]` +
        `/Resources<</XObject<<${xo}>>${spec.spot ? `/ColorSpace<</CS0[/Separation/PANTONE#20185#20C/DeviceCMYK ${spotFn} 0 R]>>` : ""}` +
        `/ExtGState<</GSop<</OP true/op true/OPM 1>>/GSko<</OP false/op false>>>>>>/Contents ${content} 0 R>>`,
    );
    kids.push(page);
  }
  w.obj(pagesObj, `<</Type/Pages/Count ${kids.length}/Kids[${kids.map((k) => `${k} 0 R`).join(" ")}]>>`);
  w.obj(catalog, `<</Type/Catalog/Pages ${pagesObj} 0 R>>`);
  w.close(catalog);
}

function analysisFor(file: string, pages: number, spot = false): Analysis {
  const colorants = ["Cyan", "Magenta", "Yellow", "Black", ...(spot ? ["PANTONE 185 C"] : [])];
  return signaAnalysis({
    file,
    bureau: null,
    bureauBy: null,
    order: null,
    orderName: null,
    sheets: Array.from({ length: pages }, (_, i) =>
      signaSheet(i + 1, colorants, { paperBy: "trim-box", paperRectPt: [...PAPER] }),
    ),
  });
}

// ---- speed ----------------------------------------------------------------------------------------

/** The original's chain over the cropped file (see original-chain.ts). */
const originalChain = originalRender;

/** CPU seconds of this process and its reaped children (Ghostscript, ImageMagick), from /proc. */
function cpuMs(): number {
  const f = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  return ticks * 10; // USER_HZ = 100 on Linux
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

interface Sample {
  wall: number;
  cpu: number;
}

async function measure(fn: () => Promise<unknown>): Promise<Sample> {
  const t = performance.now();
  const c = cpuMs();
  await fn();
  return { wall: performance.now() - t, cpu: cpuMs() - c };
}

async function speed(repeat: number) {
  const dir = mkdtempSync(join(tmpdir(), "pdfupload-bench-render-"));
  try {
    const corpus: [string, SheetFile][] = [
      ["vector 2 pages", { pages: 2, images: 0, imagePx: [1, 1], noise: false }],
      ["photos 2 pages", { pages: 2, images: 4, imagePx: [1800, 1300], noise: false }],
      ["photos 4 pages", { pages: 4, images: 2, imagePx: [2400, 1700], noise: false }],
      ["mixed 8 pages", { pages: 8, images: 1, imagePx: [1500, 1000], noise: false }],
      ["spot 4 pages", { pages: 4, images: 1, imagePx: [1500, 1000], noise: false, spot: true }],
    ];
    console.log(
      `speed: ${corpus.length} files, ${repeat} run(s) each, concurrency ${render.concurrency}, proof ${render.proofPx} px, ` +
        `load average at start ${loadavg()
          .map((l) => l.toFixed(1))
          .join(" ")}`,
    );
    const modes = [
      { name: "A. the original's outputs (preview, proof+thumb of page 1, inks of all pages)", first: true },
      {
        name: "B. proof+thumb of every page (the original chain repeated per page for the proofs)",
        first: false,
      },
    ];
    for (const mode of modes) {
      console.log(` ${mode.name}`);
      const ratios: number[] = [];
      const cpuRatios: number[] = [];
      for (const [label, spec] of corpus) {
        const file = join(dir, `${label.replace(/\W+/g, "_")}.pdf`);
        writeSheetFile(file, spec);
        const cropped = join(dir, "cropped.pdf");
        writeCroppedPdf(file, cropped, Array(spec.pages).fill(PAPER));
        const a = analysisFor(file, spec.pages, spec.spot);
        const ours: Sample[] = [];
        const orig: Sample[] = [];
        for (let r = 0; r < repeat; r++) {
          // Alternate so that machine load hits both alike.
          const out = join(dir, "out");
          ours.push(
            await measure(async () => {
              const res = await renderSheets({
                pdfPath: file,
                analysis: a,
                settings: render,
                outDir: out,
                proofPages: mode.first ? "first" : "all",
              });
              if (res.warnings.length) console.log("  warnings:", res.warnings);
            }),
          );
          rmSync(out, { recursive: true, force: true });
          orig.push(await measure(() => originalChain(cropped, dir, mode.first ? 1 : spec.pages)));
        }
        const [ow, gw] = [median(ours.map((x) => x.wall)), median(orig.map((x) => x.wall))];
        const [oc, gc] = [median(ours.map((x) => x.cpu)), median(orig.map((x) => x.cpu))];
        ratios.push(gw / ow);
        cpuRatios.push(gc / oc);
        const mb = (statSync(file).size / 1e6).toFixed(1);
        console.log(
          `  ${label.padEnd(15)} ${mb.padStart(6)} MB  ours ${ow.toFixed(0).padStart(6)} ms  original ${gw.toFixed(0).padStart(6)} ms  ` +
            `${(gw / ow).toFixed(1).padStart(4)}x wall   CPU ${oc.toFixed(0).padStart(6)} vs ${gc.toFixed(0).padStart(6)} ms ${(gc / oc).toFixed(1).padStart(4)}x`,
        );
      }
      console.log(
        `  median ratio over the corpus: ${median(ratios).toFixed(1)}x wall (target >= 3x), ${median(cpuRatios).toFixed(1)}x CPU; ` +
          `load average now ${loadavg()
            .map((l) => l.toFixed(1))
            .join(" ")}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- memory on a ~1 GB file ---------------------------------------------------------------------

/** RSS (kB) of `pid` and all its descendants, read from /proc. */
function treeRssKb(pid: number): { self: number; tree: number } {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${d}/status`, "utf8"));
      rss.set(Number(d), m ? Number(m[1]) : 0);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // gone
    }
  }
  let tree = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop() as number;
    tree += rss.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return { self: rss.get(pid) ?? 0, tree };
}

async function memory(gb: number) {
  const dir = mkdtempSync(join(tmpdir(), "pdfupload-bench-big-"));
  try {
    const file = join(dir, "big sheet «1 GB».pdf");
    const imagePx: [number, number] = [3000, 2200]; // 26.4 MB of raw CMYK per page
    const pages = Math.max(1, Math.round((gb * 1e9) / (imagePx[0] * imagePx[1] * 4)));
    let t = performance.now();
    writeSheetFile(file, { pages, images: 1, imagePx, noise: true });
    const size = statSync(file).size;
    console.log(
      `memory: built ${(size / 1e9).toFixed(2)} GB, ${pages} pages, in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    t = performance.now();
    const child = spawn(
      process.execPath,
      [...process.execArgv, process.argv[1], "--child", file, String(pages), dir],
      {
        stdio: ["ignore", "inherit", "inherit"],
      },
    );
    let peakSelf = 0;
    let peakTree = 0;
    const timer = setInterval(() => {
      const r = treeRssKb(child.pid as number);
      peakSelf = Math.max(peakSelf, r.self);
      peakTree = Math.max(peakTree, r.tree);
    }, 100);
    const code = await new Promise<number | null>((res) => child.on("close", res));
    clearInterval(timer);
    console.log(
      `  render ${((performance.now() - t) / 1000).toFixed(1)} s, exit ${code}; peak RSS: Node ${(peakSelf / 1024).toFixed(0)} MB, ` +
        `Node + Ghostscript children together ${(peakTree / 1024).toFixed(0)} MB (target < 1536 MB)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function child(file: string, pages: number, dir: string) {
  const r = await renderSheets({
    pdfPath: file,
    analysis: analysisFor(file, pages),
    settings: render,
    outDir: join(dir, "out"),
    tmpDir: dir,
  });
  const own = process.resourceUsage().maxRSS;
  console.log(
    `  child: ${r.pages.length} pages, engine ${r.engine}, ${r.warnings.length} warning(s), timings ${JSON.stringify(r.timings)}, ` +
      `Node maxRSS ${(own / 1024).toFixed(0)} MB`,
  );
  if (r.warnings.length) console.log("  ", r.warnings.slice(0, 3));
}

if (flag("make")) {
  // --make FILE PAGES IMAGES W H [spot]: write one corpus-like sheet (for profiling by hand).
  const i = process.argv.indexOf("--make");
  const [file, pages, images, w, h, spot] = process.argv.slice(i + 1);
  writeSheetFile(file, {
    pages: Number(pages),
    images: Number(images),
    imagePx: [Number(w), Number(h)],
    noise: false,
    spot: spot === "spot",
  });
} else if (flag("child")) {
  const i = process.argv.indexOf("--child");
  await child(process.argv[i + 1], Number(process.argv[i + 2]), process.argv[i + 3]);
} else {
  if (!flag("skip-speed")) await speed(arg("repeat", 3));
  if (!flag("skip-big")) await memory(arg("big-gb", 1));
}
