// Intake and queue overhead: time from a file's close in the hot folder to its job being `done`,
// and throughput for 200 files, against the analysis + render work alone on the same files in
// the same run. Target: ratio ≤ 1.2. The stability window (PDFUPLOAD_STABLE_SEC, default 2 s,
// a safety margin for Samba copies) is set to 0.3 s here (--stable-ms) and reported separately.
// Run: npx tsx bench/intake.bench.ts [--files 200] [--latency 10] [--stable-ms 300]
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { createContext } from "../src/app/context.ts";
import { readRuntime } from "../src/config/runtime.ts";
import { HotFolderWatcher } from "../src/intake/hot-folder.ts";
import { analyzeIsolated } from "../src/isolation/isolated.ts";
import { renderSheets } from "../src/pipeline/steps/render/index.ts";
import { testSettings, threeMarks, writeSheet } from "../test/fixtures/signa.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const FILES = arg("files", 200);
const LATENCY_RUNS = arg("latency", 10);
const CONCURRENCY = 2;
const STABLE_MS = arg("stable-ms", 300);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const root = fs.mkdtempSync(path.join(os.tmpdir(), "pdfupload-bench-intake-"));
const settings = testSettings();

async function makeFiles(dir: string, n: number, tag: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      await writeSheet(dir, `${String(i).padStart(4, "0")}_${tag}_${i}_Leonov.pdf`, {
        pages: 1,
        marks: threeMarks(),
        artworkText: `${tag} ${i}`,
      }),
    );
  return out;
}

/** The work alone: analysis (isolated, as the pipeline runs it) + render, nothing else. */
async function workAlone(file: string): Promise<void> {
  const a = await analyzeIsolated(file, { settings, fileName: path.basename(file) });
  const out = fs.mkdtempSync(path.join(root, "out-"));
  await renderSheets({ pdfPath: file, analysis: a, settings: settings.render, outDir: out });
  await fsp.rm(out, { recursive: true, force: true });
}

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function main() {
  const ctx = await createContext(
    readRuntime({ PDFUPLOAD_DATA: path.join(root, "data"), PDFUPLOAD_SECRET_KEY: "" }),
    pino({ level: "silent" }),
  );
  await ctx.settingsRepo.save(settings);
  const watcher = new HotFolderWatcher(ctx, {
    folders: ctx.hotFolders(settings),
    stableMs: STABLE_MS,
    rescanMs: 60_000,
  });
  await watcher.start();
  ctx.queue.work(CONCURRENCY);
  const input = ctx.hotFolders(settings)[0].abs;

  // Latency: one small sheet at a time, alternating with the work alone on a twin file.
  const lat = await makeFiles(path.join(root, "lat"), LATENCY_RUNS, "Lat");
  const twins = await makeFiles(path.join(root, "twin"), LATENCY_RUNS, "Twin");
  const pipelineMs: number[] = [];
  const aloneMs: number[] = [];
  for (let i = 0; i < LATENCY_RUNS; i++) {
    let t = performance.now();
    await workAlone(twins[i]);
    aloneMs.push(performance.now() - t);
    const before = (await ctx.jobs.counts()).done;
    t = performance.now();
    await fsp.rename(lat[i], path.join(input, path.basename(lat[i]))); // the file's close
    while ((await ctx.jobs.counts()).done === before) await sleep(10);
    pipelineMs.push(performance.now() - t);
  }
  const lp = median(pipelineMs);
  const la = median(aloneMs);
  console.log(`latency, one small sheet (median of ${LATENCY_RUNS}):`);
  console.log(`  close → done:        ${lp.toFixed(0)} ms (includes the ${STABLE_MS} ms stability window)`);
  console.log(`  analysis + render:   ${la.toFixed(0)} ms`);
  console.log(
    `  ratio:               ${(lp / la).toFixed(2)}×   without the window: ${((lp - STABLE_MS) / la).toFixed(2)}×`,
  );

  // Throughput: FILES dropped at once vs the same work alone at the same concurrency.
  const many = await makeFiles(path.join(root, "many"), FILES, "Many");
  const manyTwins = await makeFiles(path.join(root, "many2"), FILES, "Alone");
  let t = performance.now();
  await pool(manyTwins, CONCURRENCY, workAlone);
  const aloneAll = performance.now() - t;
  const before = (await ctx.jobs.counts()).done;
  t = performance.now();
  await Promise.all(many.map((f) => fsp.rename(f, path.join(input, path.basename(f)))));
  while ((await ctx.jobs.counts()).done - before < FILES) await sleep(50);
  const pipeAll = performance.now() - t;
  console.log(`throughput, ${FILES} files, concurrency ${CONCURRENCY}:`);
  console.log(
    `  pipeline:            ${(pipeAll / 1000).toFixed(1)} s  (${((FILES * 1000) / pipeAll).toFixed(1)} files/s)`,
  );
  console.log(
    `  analysis + render:   ${(aloneAll / 1000).toFixed(1)} s  (${((FILES * 1000) / aloneAll).toFixed(1)} files/s)`,
  );
  console.log(`  ratio:               ${(pipeAll / aloneAll).toFixed(2)}×  (target ≤ 1.2×)`);

  await watcher.stop();
  await ctx.close();
  await fsp.rm(root, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
