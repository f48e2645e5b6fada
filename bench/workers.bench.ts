// Scale-out throughput: the same batch of one-page Signa sheets processed by 1, 2 and 4 worker
// processes (`pdfupload worker --concurrency 1`) on PostgreSQL + Redis/BullMQ, on this machine.
// Prints files/s, the speed-up, how busy the machine's CPUs were, the CPU time PostgreSQL and
// Redis used, and the mean time of each step: together they say what limits throughput.
// Run: npx tsx bench/workers.bench.ts [--files 30] [--workers 1,2,4]
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { createContext } from "../src/app/context.ts";
import { readRuntime } from "../src/config/runtime.ts";
import { acceptFile } from "../src/intake/accept-file.ts";
import type { BullmqQueue } from "../src/queue/bullmq-queue.ts";
import type { TimelineEntry } from "../src/store/jobs.repository.ts";
import { threeMarks, writeSheet } from "../test/fixtures/signa.ts";
import { startPostgres, startRedis } from "../test/helpers/servers.ts";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const FILES = Number(arg("files", "30"));
const WORKERS = arg("workers", "1,2,4").split(",").map(Number);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Busy and total jiffies of all CPUs (from /proc/stat). */
function cpuTimes(): { busy: number; total: number } {
  const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** CPU seconds a process and its reaped children used (utime+stime+cutime+cstime). */
function procCpuSec(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return 0;
  }
}

/** PIDs of processes whose command line contains `needle`, with all their descendants. */
function pidsMatching(needle: string): number[] {
  const parent = new Map<number, number>();
  const roots: number[] = [];
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      if (fs.readFileSync(`/proc/${d}/cmdline`, "utf8").includes(needle)) roots.push(Number(d));
    } catch {}
  }
  const out = new Set(roots);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parent)
      if (out.has(ppid) && !out.has(pid)) {
        out.add(pid);
        grew = true;
      }
  }
  return [...out];
}

async function runOnce(workers: number, staging: string, names: string[]) {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), "pdfupload-bench-workers-"));
  const data = path.join(root, "data");
  const bureau = path.join(root, "bureau");
  await fsp.mkdir(bureau, { recursive: true });
  const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const env = {
    PDFUPLOAD_DATA: data,
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    PDFUPLOAD_SECRET_KEY: "",
    LOG_LEVEL: "warn",
  };
  const ctx = await createContext(readRuntime(env), pino({ level: "silent" }));
  await ctx.settingsRepo.save({
    presses: [
      { name: "Speedmaster", plateWidthMm: 1030, plateHeightMm: 770, gripperMm: 40, plateCost: 11.5 },
    ],
    bureaus: [{ name: "Leonov", target: "bureau" }],
    targets: [{ name: "bureau", url: `file://${bureau}` }],
  });
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < workers; i++)
      children.push(
        spawn(process.execPath, [path.resolve("bin/pdfupload.js"), "worker", "--concurrency", "1"], {
          env: { ...process.env, ...env },
          stdio: ["ignore", "ignore", "inherit"],
        }),
      );
    const queue = (ctx.queue as BullmqQueue).queue;
    for (let t = 0; (await queue.getWorkers()).length < workers; t++) {
      if (t > 600) throw new Error("workers did not start");
      await sleep(100);
    }
    // The servers' processes: PostgreSQL's postmaster and backends, redis-server.
    const infraPids = [
      ...new Set([
        ...pidsMatching(`\0-p\0${new URL(pg.url).port}\0`),
        ...pidsMatching(`redis-server 127.0.0.1:${new URL(redis.url).port}`),
      ]),
    ];
    const infraBefore = infraPids.reduce((s, p) => s + procCpuSec(p), 0);
    const ownBefore = children.reduce((s, c) => s + procCpuSec(c.pid as number), 0);
    const cpu0 = cpuTimes();
    const t0 = performance.now();
    for (const n of names) {
      const copy = path.join(root, n);
      await fsp.copyFile(path.join(staging, n), copy);
      await acceptFile(ctx, { file: copy, source: "bench", move: true });
    }
    for (;;) {
      const c = await ctx.jobs.counts();
      if (c.done + c.failed >= names.length) break;
      await sleep(50);
    }
    const wall = (performance.now() - t0) / 1000;
    const cpu1 = cpuTimes();
    // The workers' own CPU (Ghostscript children included once reaped): on a shared machine this
    // separates our work from other load.
    const own = children.reduce((s, c) => s + procCpuSec(c.pid as number), 0) - ownBefore;
    const infra = infraPids.reduce((s, p) => s + procCpuSec(p), 0) - infraBefore;
    const { rows } = await ctx.jobs.list({ limit: 1000 });
    const steps = new Map<string, number[]>();
    for (const r of rows)
      for (const t of JSON.parse(r.timeline) as TimelineEntry[])
        steps.set(t.step, [...(steps.get(t.step) ?? []), t.ms]);
    const failed = rows.filter((r) => r.status !== "done").length;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return {
      workers,
      wall,
      perSec: names.length / wall,
      busy: (cpu1.busy - cpu0.busy) / (cpu1.total - cpu0.total),
      infra,
      own,
      failed,
      steps: Object.fromEntries([...steps].map(([k, v]) => [k, Math.round(mean(v))])),
    };
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("exit", r)))),
    );
    await ctx.close();
    await Promise.all([pg.stop(), redis.stop()]);
    await fsp.rm(root, { recursive: true, force: true });
  }
}

const staging = await fsp.mkdtemp(path.join(os.tmpdir(), "pdfupload-bench-sheets-"));
const names: string[] = [];
for (let i = 0; i < FILES; i++) {
  const name = `${5000 + i}_Bench_${i}_Leonov.pdf`;
  await writeSheet(staging, name, {
    pages: 1,
    marks: threeMarks({ bureau: "Leonov" }),
    artworkText: `bench ${i}`,
  });
  names.push(name);
}
console.log(
  `${FILES} one-page sheets per run, ${os.availableParallelism()} CPUs, load before: ${os.loadavg()[0].toFixed(2)}\n`,
);
const results = [];
for (const w of WORKERS) {
  const r = await runOnce(w, staging, names);
  results.push(r);
  console.log(
    `${String(w).padStart(2)} worker(s): ${r.wall.toFixed(1).padStart(6)} s  ${r.perSec.toFixed(2)} files/s  ` +
      `speed-up ×${(r.perSec / results[0].perSec).toFixed(2)}  CPUs busy ${(r.busy * 100).toFixed(0)}%  ` +
      `workers' CPU ${(r.own / FILES).toFixed(2)} s/file, ${((r.own / (r.wall * os.availableParallelism())) * 100).toFixed(0)}% of the machine  ` +
      `PostgreSQL+Redis CPU ${r.infra.toFixed(1)} s${r.failed ? `  FAILED ${r.failed}` : ""}`,
  );
  console.log(
    `    mean step ms: ${Object.entries(r.steps)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
}
await fsp.rm(staging, { recursive: true, force: true });
const best = results.reduce((a, b) => (b.perSec > a.perSec ? b : a));
const cpuPerFile = results.reduce((s, r) => s + r.own, 0) / (results.length * FILES);
const cores = os.availableParallelism();
console.log(
  `\nCPU per file ${cpuPerFile.toFixed(2)} s whatever the worker count: the ceiling here is ${cores} cores / ` +
    `${cpuPerFile.toFixed(2)} s = ${(cores / cpuPerFile).toFixed(2)} files/s with ≥ ${cores} workers on an idle machine ` +
    `(one worker: ${(1 / cpuPerFile).toFixed(2)} files/s); the workers got ${results.map((r) => `${((r.own / (r.wall * cores)) * 100).toFixed(0)}%`).join(" / ")} of the machine in these runs.`,
);
const infraShare = best.infra / (best.wall * os.availableParallelism());
console.log(
  `\nLimit: ${best.busy > 0.85 ? `the CPUs (${(best.busy * 100).toFixed(0)}% busy at ${best.workers} workers): render (Ghostscript) and analysis (MuPDF) are CPU-bound, so workers beyond the core count only queue for CPU` : `not CPU (${(best.busy * 100).toFixed(0)}% busy): look at I/O and the queue`}; ` +
    `PostgreSQL+Redis used ${(infraShare * 100).toFixed(1)}% of the machine's CPU time.`,
);
