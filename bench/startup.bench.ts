// Start-up speed of the command line and of the server, as a shop meets it: each command is a fresh
// process of the compiled build (bin/pdfupload.js → dist/, built first here if stale), with a journal
// holding the shop's settings in its data directory. Printed as ratios against a bare `node -e 0` run
// in the same loop (interleaved, so that machine load hits both alike), and the cold 50-sheet
// `analyze --json` batch against the original's chain per file (`file`, `pdfinfo`, `pdfinfo -box`,
// `pdftotext` twice, each spawned).
//
// Targets (issue 18): `--help` within 2x of bare Node; one-sheet `analyze` within 4x; the 50-sheet
// batch at least 3x faster than the chain; a second `npm start` healthy within 3 s. The first `npm
// start` runs in a fresh copy of the checkout (node_modules linked), so it builds the server and the
// UI as after a clone; the second finds both up to date.
//
// Run: npx tsx bench/startup.bench.ts [--repeat 7] [--files 50] [--skip-start]
import { execFile, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { settingsToYaml } from "../src/config/settings-file.ts";
import { testSettings, threeMarks, writeSheet } from "../test/fixtures/signa.ts";
import { copyCheckout } from "../test/helpers/checkout.ts";
import { writeCorpus } from "./corpus.ts";

const run = promisify(execFile);
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const REPEAT = arg("repeat", 7);
const FILES = arg("files", 50);
const SKIP_START = process.argv.includes("--skip-start");
const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "bin/pdfupload.js");

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x: number) => `${x.toFixed(0).padStart(6)} ms`;

/** Wall time of one process from spawn to exit; a failing command fails the benchmark. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, okCodes = [0]): Promise<number> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    c.stderr.on("data", (d) => {
      err += d;
    });
    c.on("error", reject);
    c.on("exit", (code) => {
      const dt = performance.now() - t;
      if (okCodes.includes(code ?? -1)) resolve(dt);
      else reject(new Error(`${cmd} ${args.slice(0, 3).join(" ")}… exited ${code}: ${err.slice(-500)}`));
    });
  });
}

async function originalChain(file: string): Promise<void> {
  await run("file", ["-b", "--mime-type", file]);
  await run("pdfinfo", [file]);
  await run("pdfinfo", ["-box", "-f", "1", "-l", "9999", file]);
  await run("pdftotext", ["-layout", file, "-"], { maxBuffer: 64 << 20 });
  await run("pdftotext", [file, "-"], { maxBuffer: 64 << 20 });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** `npm start` in `cwd` until GET /api/health answers 200; then stopped. Milliseconds to healthy. */
async function npmStartUntilHealthy(cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  const port = await freePort();
  const t = performance.now();
  // Its own process group, so that npm, the shell and pdfupload stop together.
  const c = spawn("npm", ["start"], {
    cwd,
    env: { ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let err = "";
  c.stderr.on("data", (d) => {
    err += d;
  });
  const exited = new Promise<void>((r) => c.on("exit", () => r()));
  try {
    for (;;) {
      if (c.exitCode !== null) throw new Error(`npm start exited ${c.exitCode}: ${err.slice(-800)}`);
      if (performance.now() - t > 180_000) throw new Error("npm start: not healthy after 180 s");
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return performance.now() - t;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    if (c.exitCode === null && c.pid) process.kill(-c.pid, "SIGTERM");
    await exited;
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdfupload-startup-"));
try {
  // The compiled build is what is measured: make it current (prints what it built, if anything).
  const b = spawnSync(process.execPath, [path.join(root, "scripts/build.mjs"), "--server", "--quiet"], {
    stdio: "inherit",
  });
  if (b.status !== 0) throw new Error("the build failed");

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PDFUPLOAD_DATA: path.join(dir, "data"),
    LOG_LEVEL: "warn",
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.NODE_OPTIONS;
  const settingsFile = path.join(dir, "settings.yaml");
  fs.writeFileSync(settingsFile, settingsToYaml(testSettings()));
  // A journal with the shop's settings, as on the server where operators run the CLI.
  await timed(process.execPath, [bin, "config", "import", settingsFile], env);
  const sheet = await writeSheet(dir, "0537_Technoyug_Flier_Leonov.pdf", { pages: 2, marks: threeMarks() });
  const corpus = await writeCorpus(path.join(dir, "corpus"), FILES);

  const cases: { label: string; args: string[]; okCodes?: number[]; target?: number }[] = [
    { label: "--help", args: ["--help"], target: 2 },
    { label: "status --json", args: ["status", "--json"] },
    { label: "analyze --json, one sheet", args: ["analyze", "--json", sheet], target: 4 },
  ];
  const base: number[] = [];
  const times = cases.map(() => [] as number[]);
  const batch: number[] = [];
  const chain: number[] = [];
  // One untimed round: page cache, and the first-ever run's own work (none expected).
  for (const c of cases) await timed(process.execPath, [bin, ...c.args], env, c.okCodes);
  for (let r = 0; r < REPEAT; r++) {
    for (const [i, c] of cases.entries()) {
      base.push(await timed(process.execPath, ["-e", "0"], env));
      times[i].push(await timed(process.execPath, [bin, ...c.args], env, c.okCodes));
    }
  }
  const batchRepeat = Math.max(1, Math.round(REPEAT / 2));
  for (let r = 0; r < batchRepeat; r++) {
    batch.push(await timed(process.execPath, [bin, "analyze", "--json", ...corpus], env));
    const t = performance.now();
    for (const f of corpus) await originalChain(f);
    chain.push(performance.now() - t);
  }

  const node = median(base);
  const verdicts: string[] = [];
  console.log(
    `startup bench: node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}, ` +
      `${REPEAT} runs each; bare \`node -e 0\` ${ms(node)} (median)`,
  );
  for (const [i, c] of cases.entries()) {
    const m = median(times[i]);
    const ratio = m / node;
    const goal = c.target ? `  target <= ${c.target}x: ${ratio <= c.target ? "met" : "NOT met"}` : "";
    if (c.target) verdicts.push(ratio <= c.target ? "met" : "NOT met");
    console.log(`${c.label.padEnd(34)} ${ms(m)}   ${ratio.toFixed(1).padStart(5)}x bare node${goal}`);
  }
  const ours = median(batch);
  const theirs = median(chain);
  const speedup = theirs / ours;
  verdicts.push(speedup >= 3 ? "met" : "NOT met");
  console.log(
    `${`analyze --json, ${FILES} sheets (cold)`.padEnd(34)} ${ms(ours)}   ${(ours / node).toFixed(1).padStart(5)}x bare node; ` +
      `original chain ${ms(theirs)}: ${speedup.toFixed(1)}x faster  target >= 3x: ${speedup >= 3 ? "met" : "NOT met"}`,
  );

  if (!SKIP_START) {
    const checkout = copyCheckout(dir, { ui: true });
    const startEnv = {
      ...env,
      PDFUPLOAD_DATA: path.join(dir, "start-data"),
      PDFUPLOAD_ADMIN_PASSWORD: "startup-bench-password",
      LOG_LEVEL: "warn",
    };
    const first = await npmStartUntilHealthy(checkout, startEnv);
    const second: number[] = [];
    for (let r = 0; r < 3; r++) second.push(await npmStartUntilHealthy(checkout, startEnv));
    const s2 = median(second);
    verdicts.push(s2 <= 3000 ? "met" : "NOT met");
    console.log(
      `${"npm start → /api/health, first".padEnd(34)} ${ms(first)}   ${(first / node).toFixed(1).padStart(5)}x bare node ` +
        "(fresh checkout: builds server + UI; new data directory)",
    );
    console.log(
      `${"npm start → /api/health, second".padEnd(34)} ${ms(s2)}   ${(s2 / node).toFixed(1).padStart(5)}x bare node` +
        `  target <= 3 s: ${s2 <= 3000 ? "met" : "NOT met"} (median of 3)`,
    );
  }
  console.log(verdicts.every((v) => v === "met") ? "all targets met" : "targets NOT all met");
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
