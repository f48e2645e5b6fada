// Ghostscript as a child process: found once, spawned with an argument array (never a shell), under an
// address-space limit (util-linux prlimit), killed when it runs past its time limit or the job is cancelled.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { currentStages } from "../../stages.ts";
import { cpuSlots } from "./cpu-slots.ts";
import { RenderError } from "./render-error.ts";

/** Start-up hint when Ghostscript is missing. */
export const GHOSTSCRIPT_HINT =
  "Ghostscript (gs) was not found: proofs and ink coverage are made with MuPDF, without overprint " +
  "simulation, and flagged approximate. Install it for press-accurate proofs: apt-get install ghostscript";

/** The gs binary: `PDFUPLOAD_GS` overrides the name looked up on PATH. */
export const gsBinary = (): string => process.env.PDFUPLOAD_GS || "gs";

let probe: Promise<string | null> | null = null;
let probeFor = "";

/** Ghostscript's version, or null when it is missing (or `PDFUPLOAD_NO_GS=1` forces the fallback). */
export function ghostscriptVersion(): Promise<string | null> {
  if (process.env.PDFUPLOAD_NO_GS === "1") return Promise.resolve(null);
  const bin = gsBinary();
  if (!probe || probeFor !== bin) {
    probeFor = bin;
    probe = runGhostscript(["--version"], { timeoutMs: 10_000, light: true }).then(
      (r) => (r.code === 0 ? r.stdout.trim() || "unknown" : null),
      () => null,
    );
  }
  return probe;
}

export async function ghostscriptAvailable(): Promise<boolean> {
  return (await ghostscriptVersion()) !== null;
}

export interface GsRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface GsOptions {
  timeoutMs: number;
  /** Address-space limit in MB (set through `prlimit` when the machine has it). */
  memoryMb?: number;
  signal?: AbortSignal;
  cwd?: string;
  /**
   * Makes `timeoutMs` an idle limit: polled every 250 ms, any change of the returned value (e.g. the
   * number of pages written so far) restarts the clock. Used for multi-page runs: each page gets the limit.
   */
  progress?: () => number;
  /** A run that draws nothing (`--version`): it does not wait for a CPU slot. */
  light?: boolean;
}

const KEEP = 256 * 1024; // gs can be chatty on broken files: keep the head of its output only

/**
 * Runs gs and resolves with its exit status and output. Rejects with `render-timeout` when it runs past
 * `timeoutMs`, `render-aborted` on `signal`, `gs-missing` when the binary cannot be started.
 */
export async function runGhostscript(args: string[], opts: GsOptions): Promise<GsRun> {
  if (opts.light) return spawnGhostscript(args, opts);
  // Its time limit starts once it has a core, not while it waits for one.
  return cpuSlots.run(() => spawnGhostscript(args, opts), opts.signal);
}

function spawnGhostscript(args: string[], opts: GsOptions): Promise<GsRun> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new RenderError("render-aborted", "rendering was cancelled"));
      return;
    }
    // Booked to the job as `gs-<device>` (the stage breakdown of the journal and the throughput bench).
    const stages = currentStages();
    const device = args.find((a) => a.startsWith("-sDEVICE="))?.slice("-sDEVICE=".length) ?? "other";
    const started = performance.now();
    // prlimit sets the limit on itself and execs gs: the child's pid is gs's, kill() reaches it.
    const limited =
      opts.memoryMb && prlimitPath ? [`--as=${Math.round(opts.memoryMb * 1048576)}`, "--"] : null;
    const child = spawn(
      limited ? (prlimitPath as string) : gsBinary(),
      limited ? [...limited, gsBinary(), ...args] : args,
      {
        cwd: opts.cwd,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      if (stdout.length < KEEP) stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < KEEP) stderr += d;
    });
    let stopped: RenderError | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (err: RenderError) => {
      if (stopped) return;
      stopped = err;
      child.kill("SIGTERM");
      // gs deep inside a rasteriser loop may not notice SIGTERM quickly enough: make sure.
      killTimer = setTimeout(() => child.kill("SIGKILL"), 2000);
      killTimer.unref();
    };
    const timer = setTimeout(
      () =>
        stop(
          new RenderError(
            "render-timeout",
            `Ghostscript ran past ${Math.round(opts.timeoutMs / 1000)} s and was stopped`,
          ),
        ),
      opts.timeoutMs,
    );
    const onAbort = () => stop(new RenderError("render-aborted", "rendering was cancelled"));
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      clearInterval(timer);
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener("abort", onAbort);
    };
    child.on("error", (e: NodeJS.ErrnoException) => {
      done();
      reject(
        e.code === "ENOENT"
          ? new RenderError("gs-missing", `Ghostscript (${gsBinary()}) is not installed`)
          : new RenderError("gs-failed", `Ghostscript could not start: ${e.message}`),
      );
    });
    child.on("close", (code, signal) => {
      done();
      stages?.add(`gs-${device}`, performance.now() - started);
      if (stopped) reject(stopped);
      else resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Found once at start-up: util-linux's prlimit (Debian has it in every install). */
const prlimitPath: string | null = ["/usr/bin/prlimit", "/bin/prlimit"].find((p) => existsSync(p)) ?? null;

/** True when Ghostscript runs are memory-limited on this machine. */
export const memoryLimited = (): boolean => prlimitPath !== null;

/**
 * What to say when a gs run failed: under a memory limit gs may die by a signal or report a VMerror
 * rather than say it ran out of memory.
 */
export function outOfMemoryHint(run: GsRun, memoryMb: number | undefined): string | null {
  if (!memoryMb || !prlimitPath) return null;
  const died = run.signal === "SIGSEGV" || run.signal === "SIGABRT" || run.signal === "SIGBUS";
  if (
    !died &&
    !/VMerror|out of memory|failed to map segment|cannot allocate/i.test(`${run.stdout}\n${run.stderr}`)
  )
    return null;
  return `Ghostscript ran out of memory (limit ${memoryMb} MB, render.memoryLimitMb)`;
}

/**
 * Options every run shares: no prompts, no access outside what the command line names, no scan of the
 * system's fonts (PDF fonts are embedded; gs falls back to its own). Quiet, except where a multi-page
 * run needs gs's "Page N" lines to tell which page a complaint belongs to.
 */
export const GS_BASE = ["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dNOINTERPOLATE", "-dNOPLATFONTS"];

const CHATTER =
  /^(GPL Ghostscript|Copyright|This software|see the file COPYING|Processing pages|Page \d+$|Querying operating system|Loading )/i;

/** Ghostscript's error lines (`**** Error: …` and what follows) in one short sentence. */
export function gsProblems(stderr: string): string | null {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim().replace(/^\*+\s*/, ""))
    .filter((l) => l && !CHATTER.test(l));
  if (!lines.some((l) => /error/i.test(l))) return null;
  const uniq = [...new Set(lines)].slice(0, 4).join(" ");
  return uniq.length > 300 ? `${uniq.slice(0, 297)}...` : uniq;
}
