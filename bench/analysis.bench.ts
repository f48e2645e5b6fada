// Analysis speed against the chain the original ran per file for the same facts:
// `file`, `pdfinfo`, `pdfinfo -box`, `pdftotext` twice, each spawned. Same files, same run.
// Run: npx tsx bench/analysis.bench.ts [--files 50] [--repeat 5]
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { analyzeFile } from "../src/analysis/analyze.ts";
import { testSettings, writeSheet } from "../test/fixtures/signa.ts";
import { writeCorpus } from "./corpus.ts";

const run = promisify(execFile);
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const FILES = arg("files", 50);
const REPEAT = arg("repeat", 5);
const settings = testSettings();

async function originalChain(path: string): Promise<void> {
  await run("file", ["-b", "--mime-type", path]);
  await run("pdfinfo", [path]);
  await run("pdfinfo", ["-box", "-f", "1", "-l", "9999", path]);
  await run("pdftotext", ["-layout", path, "-"], { maxBuffer: 64 << 20 });
  await run("pdftotext", [path, "-"], { maxBuffer: 64 << 20 });
}

async function ours(path: string): Promise<void> {
  const a = await analyzeFile(path, { settings });
  if (a.error) throw new Error(`${path}: ${a.error.message}`);
}

async function time(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Alternates the two methods file by file so that machine load hits both alike. */
async function compare(label: string, paths: string[], repeat: number) {
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < repeat; r++) {
    for (const p of paths) {
      a.push(await time(() => ours(p)));
      b.push(await time(() => originalChain(p)));
    }
  }
  const ma = median(a);
  const mb = median(b);
  console.log(
    `${label.padEnd(28)} ours ${ma.toFixed(1).padStart(7)} ms   original chain ${mb.toFixed(1).padStart(7)} ms   ` +
      `ratio ${(mb / ma).toFixed(1)}x   (median per file, ${a.length} runs each)`,
  );
  return { ours: ma, original: mb };
}

const dir = mkdtempSync(join(tmpdir(), "pdfupload-bench-"));
try {
  const big = await writeSheet(dir, "1600_sixteen_pages_Leonov.pdf", { pages: 16 });
  const corpus = await writeCorpus(dir, FILES);
  // Warm up both paths (WASM init, page cache) the way a running server is warm.
  await ours(big);
  await originalChain(big);
  console.log(`analysis bench: node ${process.version}, ${FILES} corpus files, 16-page sheet x${REPEAT * 4}`);
  const r16 = await compare("16-page sheet", [big], REPEAT * 4);
  const rc = await compare(`corpus of ${FILES} sheets`, corpus, Math.max(1, Math.round(REPEAT / 2)));
  const target = 5;
  const ok = r16.original / r16.ours >= target && rc.original / rc.ours >= target;
  console.log(ok ? `target >= ${target}x: met` : `target >= ${target}x: NOT met`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
