// End-to-end throughput of the default server (issue 22): `pdfupload start` (compiled build, SQLite,
// the in-process queue at its default concurrency, the hot folder, no delivery targets) on a data
// directory in /tmp; a corpus of Signa sheets of mixed plate sizes, page counts and separation counts
// is dropped into the hot folder at once. Prints sheets per minute, CPU seconds per sheet (the server
// and all its children), peak memory, and the ratio to the original's tool chain run in this same
// process over the same sheets one after another (as its single worker did), then where a sheet's
// time went: the stable window, each step, and the stages the pipeline books on each job's timeline
// (each Ghostscript pass, proof JPEGs, ink figures, journal writes, time in the queue).
//
// The original chain is given the cropped file for free (its crop is not counted), as in the render bench;
// it runs over half the sheets before ours and the other half after, so that a change of the machine's
// load (it is shared) hits both alike.
// Run: npx tsx bench/throughput.bench.ts [--sheets 16] [--skip-original]
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { analyzeFile } from "../src/analysis/analyze.ts";
import { settingsToYaml } from "../src/config/settings-file.ts";
import { writeCroppedPdf } from "../src/pipeline/steps/render/crop-pdf.ts";
import type { TimelineEntry } from "../src/store/jobs.repository.ts";
import { type SheetSpec, testSettings, threeMarks, writeSheet } from "../test/fixtures/signa.ts";
import { originalAnalysis, originalRender } from "./original-chain.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SHEETS = arg("sheets", 16);
const SKIP_ORIGINAL = process.argv.includes("--skip-original");
const root = path.resolve(import.meta.dirname, "..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length ? (s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2) : 0;
};

/** Sheet i of the corpus: plate sizes, page counts, separation counts and image weight all vary. */
function corpusSheet(i: number): SheetSpec {
  const spots = [[], ["PANTONE 185 C"], ["PANTONE 185 C", "PANTONE 300 C"], ["Lack"]][i % 4];
  const colorants = ["Cyan", "Magenta", "Yellow", "Black", ...spots];
  const pages = [1, 2, 4, 3, 6, 2, 8, 1][i % 8];
  const imageMb = [0, 2, 6][(i >> 1) % 3];
  const presses: SheetSpec[] = [
    { marks: threeMarks() },
    {
      plateMm: [1010, 820],
      paperMm: [1000, 700],
      gripperMm: 45,
      marks: threeMarks({ press: "Planeta", paper: "1000 x 700" }),
    },
    {
      plateMm: [740, 575],
      paperMm: [700, 500],
      gripperMm: 30,
      marks: threeMarks({ press: "Dominant", paper: "700 x 500" }),
    },
  ];
  return { ...presses[i % 3], pages, colorants, imageMb, artworkText: `sheet ${i}` };
}

/** CPU seconds of a process tree: every live process's own and reaped children's time. */
function treeCpuSec(pid: number): number {
  let sum = 0;
  for (const p of treeOf(pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      sum += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // ended between the listing and the read: its time is now in its parent's reaped children
    }
  }
  return sum / 100; // USER_HZ
}

function treeOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {}
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop() as number;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function ownCpuSec(): number {
  const f = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface JobRowLite {
  id: number;
  file_name: string;
  status: string;
  created_at: string;
  updated_at: string;
  timeline: string;
  analysis: string | null;
  work_path: string | null;
  final_path: string | null;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdfupload-bench-throughput-"));
let server: ChildProcess | null = null;
try {
  const b = spawnSync(process.execPath, [path.join(root, "scripts/build.mjs"), "--server", "--quiet"], {
    stdio: "inherit",
  });
  if (b.status !== 0) throw new Error("the build failed");

  // The corpus, written beside the hot folder (same file system: the drop is a rename).
  const staging = path.join(dir, "staging");
  fs.mkdirSync(staging, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < SHEETS; i++)
    files.push(await writeSheet(staging, `${7000 + i}_Throughput ${i}_Leonov.pdf`, corpusSheet(i)));
  const bytes = files.reduce((s, f) => s + fs.statSync(f).size, 0);
  const pages = Array.from({ length: SHEETS }, (_, i) => corpusSheet(i).pages as number);

  // The original's share, prepared off the clock: a copy of each sheet and its crop to the paper.
  const scratch = path.join(dir, "orig");
  fs.mkdirSync(scratch);
  const settings = testSettings();
  const origWork: { file: string; cropped: string }[] = [];
  if (!SKIP_ORIGINAL)
    for (const [i, f] of files.entries()) {
      const file = path.join(scratch, `${i}.pdf`);
      fs.copyFileSync(f, file);
      const a = await analyzeFile(file, { settings, fileName: path.basename(f) });
      const cropped = path.join(scratch, `${i}-cropped.pdf`);
      writeCroppedPdf(
        file,
        cropped,
        a.sheets.map((s) => s.paperRectPt ?? null),
      );
      origWork.push({ file, cropped });
    }
  const original = async (part: { file: string; cropped: string }[]) => {
    const c0 = ownCpuSec();
    const t = performance.now();
    for (const w of part) {
      await originalAnalysis(w.file);
      await originalRender(w.cropped, scratch, 1);
    }
    return { wall: (performance.now() - t) / 1000, cpu: ownCpuSec() - c0 };
  };
  const origBefore = await original(origWork.filter((_, i) => i % 2 === 0));

  const data = path.join(dir, "data");
  const settingsFile = path.join(dir, "settings.yaml");
  fs.writeFileSync(settingsFile, settingsToYaml(testSettings()));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PDFUPLOAD_DATA: data,
    PDFUPLOAD_CONFIG: settingsFile,
    PDFUPLOAD_ADMIN_PASSWORD: "throughput-bench-password",
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
  };
  for (const k of ["DATABASE_URL", "REDIS_URL", "NODE_OPTIONS", "PDFUPLOAD_CONCURRENCY"]) delete env[k];
  server = spawn(process.execPath, [path.join(root, "bin/pdfupload.js"), "start"], {
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const serverPid = server.pid as number;
  for (let t = performance.now(); ; ) {
    if (server.exitCode !== null) throw new Error(`the server exited ${server.exitCode}`);
    if (performance.now() - t > 60_000) throw new Error("the server was not healthy after 60 s");
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await sleep(50);
  }
  await sleep(500); // the hot folder's first scan and the PDF children's start
  const db = new Database(path.join(data, "pdfupload.db"), { readonly: true, fileMustExist: true });

  console.log(
    `throughput bench: ${SHEETS} sheets (${pages.reduce((a, b) => a + b, 0)} pages, ${(bytes / 1e6).toFixed(0)} MB), ` +
      `${os.availableParallelism()} cores, node ${process.version}, load before ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
  );

  // ---- ours: drop everything at once, until every job has ended ----
  const cpu0 = treeCpuSec(serverPid);
  const idleTreeKb = treeOf(serverPid).reduce((s, p) => s + rssKb(p), 0);
  let maxInFlight = 0;
  let peakTreeKb = 0;
  let peakNodeKb = 0;
  const sampler = setInterval(() => {
    const tree = treeOf(serverPid);
    peakTreeKb = Math.max(
      peakTreeKb,
      tree.reduce((s, p) => s + rssKb(p), 0),
    );
    peakNodeKb = Math.max(peakNodeKb, rssKb(serverPid));
  }, 100);
  const input = path.join(data, "input");
  const t0 = performance.now();
  const dropAt = Date.now();
  for (const f of files) fs.renameSync(f, path.join(input, path.basename(f)));
  let rows: JobRowLite[] = [];
  for (;;) {
    rows = db.prepare("select * from jobs").all() as JobRowLite[];
    const ended = rows.filter((r) => ["done", "failed", "duplicate"].includes(r.status)).length;
    maxInFlight = Math.max(maxInFlight, rows.filter((r) => r.status === "processing").length);
    if (ended >= SHEETS) break;
    if (performance.now() - t0 > 600_000) throw new Error(`only ${ended} of ${SHEETS} jobs ended in 10 min`);
    await sleep(50);
  }
  const lastEnd = Math.max(...rows.map((r) => Date.parse(r.updated_at)));
  const wall = (lastEnd - dropAt) / 1000;
  await sleep(300); // let reaped children's time settle into the server's counters
  const cpu = treeCpuSec(serverPid) - cpu0;
  clearInterval(sampler);
  const failed = rows.filter((r) => r.status !== "done");
  const perMin = (SHEETS / wall) * 60;
  console.log(
    `ours:     ${wall.toFixed(1).padStart(6)} s drop to last job done  ${perMin.toFixed(1)} sheets/min  ` +
      `CPU ${(cpu / SHEETS).toFixed(2)} s/sheet (${((cpu / (wall * os.availableParallelism())) * 100).toFixed(0)}% of the machine)  ` +
      `peak RSS: server + children ${(peakTreeKb / 1024).toFixed(0)} MB (idle ${(idleTreeKb / 1024).toFixed(0)} MB; ` +
      `${((peakTreeKb - idleTreeKb) / 1024 / Math.max(1, maxInFlight)).toFixed(0)} MB per job with ${maxInFlight} in flight), ` +
      `server Node ${(peakNodeKb / 1024).toFixed(0)} MB` +
      `${failed.length ? `  NOT DONE: ${failed.map((r) => `${r.file_name} ${r.status}`).join(", ")}` : ""}`,
  );

  // ---- where the time went ----
  const stableMs = rows.map((r) => Date.parse(r.created_at) - dropAt);
  const steps = new Map<string, number>();
  const stages = new Map<string, { ms: number; count: number }>();
  for (const r of rows)
    for (const e of JSON.parse(r.timeline) as TimelineEntry[]) {
      steps.set(e.step, (steps.get(e.step) ?? 0) + e.ms);
      for (const s of e.stages ?? []) {
        const key = `${e.step}/${s.name}`;
        const cur = stages.get(key) ?? { ms: 0, count: 0 };
        stages.set(key, { ms: cur.ms + s.ms, count: cur.count + s.count });
      }
    }
  const per = (ms: number) => `${(ms / SHEETS).toFixed(0).padStart(6)} ms`;
  console.log("per sheet (mean; stages of one step can overlap, lanes run in parallel):");
  console.log(
    `  ${"stable window (drop → job row)".padEnd(34)} ${per(stableMs.reduce((a, b) => a + b, 0))}  (median ${median(stableMs).toFixed(0)} ms)`,
  );
  for (const [step, ms] of steps) {
    console.log(`  ${`step ${step}`.padEnd(34)} ${per(ms)}`);
    for (const [key, s] of stages)
      if (key.startsWith(`${step}/`))
        console.log(
          `    ${key.slice(step.length + 1).padEnd(32)} ${per(s.ms)}  ${(s.count / SHEETS).toFixed(1)} run(s)/sheet`,
        );
  }
  server.kill("SIGTERM");
  await new Promise((r) => (server?.exitCode !== null ? r(null) : server?.once("exit", r)));
  server = null;
  db.close();

  // ---- the original's chain over the other half, one after another ----
  if (!SKIP_ORIGINAL) {
    const origAfter = await original(origWork.filter((_, i) => i % 2 === 1));
    const origWall = origBefore.wall + origAfter.wall;
    const origCpu = origBefore.cpu + origAfter.cpu;
    const n = origWork.length;
    console.log(
      `original: ${origWall.toFixed(1).padStart(6)} s for ${n} sheets one after another (half before ours, half after)  ` +
        `${((n / origWall) * 60).toFixed(1)} sheets/min  CPU ${(origCpu / n).toFixed(2)} s/sheet`,
    );
    const ratio = origWall / n / (wall / SHEETS);
    console.log(
      `ratio: ${ratio.toFixed(2)}x the original's chain end to end (target >= 4x: ${ratio >= 4 ? "met" : "NOT met"}); ` +
        `CPU per sheet ${(origCpu / n / (cpu / SHEETS)).toFixed(2)}x less; load now ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(" ")}`,
    );
  }
} finally {
  if (server && server.exitCode === null) server.kill("SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
}
