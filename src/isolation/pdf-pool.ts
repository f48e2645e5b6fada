// PDF work off the server's process: a small pool of child processes, one task each at a time, with a
// time limit and a memory limit per task. MuPDF runs as WASM, and its heap is NOT bounded by V8's
// `--max-old-space-size` (that only bounds the JS heap), so a watchdog here reads the child's resident
// set from /proc and kills it past the limit. A killed or crashed child is replaced on the next task;
// the pool and the jobs running beside it carry on.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import { DEFAULT_PDF_MEMORY_LIMIT_MB, DEFAULT_PDF_WORKERS } from "../config/analysis-defaults.ts";
import { CHILD_ENTRY, CHILD_EXEC_ARGS } from "./child-entry.ts";
import type { ChildReply, ChildTask } from "./protocol.ts";
import { readerStats } from "./reader-stats.ts";

export type LimitCode = "too-complex" | "too-large";

/** The task broke a limit (time: too-complex, memory: too-large) or killed its process (crashed). */
export class IsolationError extends Error {
  constructor(
    readonly code: LimitCode | "crashed" | "aborted",
    message: string,
  ) {
    super(message);
    this.name = "IsolationError";
  }
}

/** An error the task itself threw in the child (the child survived, unless `poisoned`). */
export class TaskError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly remoteName?: string,
    /** The reader fault the child met on this task (it was then replaced). */
    readonly poisoned: string | null = null,
  ) {
    super(message);
    this.name = "TaskError";
  }
}

export interface TaskLimits {
  timeLimitMs: number;
  memoryLimitMb: number;
  signal?: AbortSignal;
  /** Run in a child that has read nothing yet (a second reading before a file is refused). */
  fresh?: boolean;
}

/** A task's value and, when the child met a reader fault on it, what it was (the child is gone). */
export interface TaskReport<T> {
  value: T;
  poisoned: string | null;
}

export interface PoolOptions {
  size: number;
  /** Lets the child run `selftest` tasks (spin, crash, memory hogs): tests of the limits only. */
  selfTest?: boolean;
  /** With `selfTest`: the analysis skips its recursion walk, so hostile files reach MuPDF (tests of the pool). */
  withoutRecursionGuard?: boolean;
  /** How often the watchdog reads the child's memory. */
  watchMs?: number;
  /** A child is replaced after this many tasks, so damage a file left in MuPDF's heap cannot build up. */
  maxTasksPerChild?: number;
}

const PAGE = 4096;

/** Resident memory of a process in bytes (Linux /proc), or null when it cannot be read. */
export function residentBytes(pid: number): number | null {
  try {
    const statm = fs.readFileSync(`/proc/${pid}/statm`, "utf8").split(" ");
    return Number(statm[1]) * PAGE;
  } catch {
    return null;
  }
}

interface Slot {
  child: ChildProcess;
  memoryLimitMb: number;
  ready: Promise<void>;
  busy: boolean;
  tasks: number;
  stderr: string;
  /** The child reported a reader fault: it is ended when the task is released. */
  poisoned: boolean;
  /** Set when we killed it, so the exit handler knows why. */
  killedFor: IsolationError | null;
  onExit: ((code: number | null, signal: NodeJS.Signals | null) => void) | null;
  onReply: ((r: ChildReply) => void) | null;
}

let nextId = 1;

export class PdfPool {
  private slots: Slot[] = [];
  private waiting: (() => void)[] = [];
  private closed = false;
  private startFailures = 0;
  /** Children started so far (a restart after a kill counts): for tests and metrics. */
  spawned = 0;
  /** Children ended because a task met a reader fault in them. */
  poisonedChildren = 0;

  private capacity: number;

  constructor(private readonly opts: PoolOptions) {
    this.capacity = opts.size;
  }

  get size(): number {
    return this.capacity;
  }

  /** A new size (the setting changed): idle children beyond it go now, busy ones when they finish. */
  resize(size: number): void {
    this.capacity = size;
    let surplus = this.slots.length - size;
    for (const s of this.slots.filter((s) => !s.busy)) if (surplus-- > 0) void this.kill(s, null);
  }

  /**
   * Starts one idle child ahead of the first task, so its start-up (Node, MuPDF's WASM) overlaps with
   * the caller's own (the CLI loading the settings). A task with another memory limit replaces it.
   */
  prestart(memoryLimitMb: number): void {
    if (!this.closed && this.slots.length === 0 && this.capacity > 0) this.spawnSlot(memoryLimitMb);
  }

  /** Runs one task in a child; rejects with IsolationError on a limit, TaskError on a thrown error. */
  async run<T>(task: ChildTask, limits: TaskLimits): Promise<T> {
    return (await this.runReport<T>(task, limits)).value;
  }

  /** As `run`, and says whether the child met a reader fault on the task (its value is then suspect). */
  async runReport<T>(task: ChildTask, limits: TaskLimits): Promise<TaskReport<T>> {
    if (this.closed) throw new IsolationError("aborted", "the PDF worker pool is closed");
    const slot = await this.acquire(limits.memoryLimitMb, limits.fresh === true);
    try {
      return (await this.runIn(slot, task, limits)) as TaskReport<T>;
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const exits = this.slots.map((s) => this.kill(s, null));
    this.slots = [];
    for (const w of this.waiting.splice(0)) w();
    await Promise.all(exits);
  }

  /** Pids of the live children (tests check that a killed one was replaced). */
  pids(): number[] {
    return this.slots.map((s) => s.child.pid ?? 0).filter(Boolean);
  }

  private async acquire(memoryLimitMb: number, fresh: boolean): Promise<Slot> {
    for (;;) {
      if (this.closed) throw new IsolationError("aborted", "the PDF worker pool is closed");
      let slot =
        (fresh && this.slots.find((s) => !s.busy && s.tasks === 0)) || this.slots.find((s) => !s.busy);
      if (slot && (slot.memoryLimitMb !== memoryLimitMb || (fresh && slot.tasks > 0))) {
        // The limit changed (settings): the JS heap cap is fixed at spawn, so start afresh. Or a
        // second reading must not meet whatever an earlier file left in this child's heap.
        await this.kill(slot, null);
        slot = undefined;
      }
      if (!slot && this.slots.length < this.capacity) {
        slot = this.spawnSlot(memoryLimitMb);
      }
      if (slot) {
        slot.busy = true;
        try {
          await slot.ready;
          this.startFailures = 0;
          return slot;
        } catch (e) {
          slot.busy = false;
          this.drop(slot);
          // A child that cannot start is our fault, not the file's: a transient error the runner retries.
          if (++this.startFailures >= 3) {
            this.startFailures = 0;
            throw Object.assign(
              new Error(`the PDF worker could not start: ${(e as Error).message} ${slot.stderr.slice(-300)}`),
              {
                transient: true,
                code: "worker-start",
              },
            );
          }
          continue;
        }
      }
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  private release(slot: Slot): void {
    slot.busy = false;
    slot.tasks++;
    if (slot.poisoned && !slot.killedFor) {
      this.poisonedChildren++;
      readerStats.poisonedChildren++;
      void this.kill(slot, null);
    }
    const surplus = this.slots.length > this.capacity;
    if ((surplus || slot.tasks >= (this.opts.maxTasksPerChild ?? 500)) && !slot.killedFor)
      void this.kill(slot, null);
    if (slot.child.exitCode !== null || slot.child.signalCode !== null || slot.killedFor) this.drop(slot);
    this.waiting.shift()?.();
  }

  private drop(slot: Slot): void {
    this.slots = this.slots.filter((s) => s !== slot);
  }

  private spawnSlot(memoryLimitMb: number): Slot {
    const env = { ...process.env };
    if (this.opts.selfTest) env.PDFUPLOAD_ISOLATION_SELFTEST = "1";
    else delete env.PDFUPLOAD_ISOLATION_SELFTEST;
    if (this.opts.selfTest && this.opts.withoutRecursionGuard) env.PDFUPLOAD_RECURSION_GUARD = "off";
    else delete env.PDFUPLOAD_RECURSION_GUARD;
    // V8's own cap a bit under the total, so a JS-heap blow-up ends as a clean out-of-memory exit.
    const jsHeap = Math.max(64, Math.floor(memoryLimitMb * 0.75));
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${jsHeap}`, "--expose-gc", ...CHILD_EXEC_ARGS, CHILD_ENTRY],
      {
        stdio: ["ignore", "ignore", "pipe", "ipc"],
        serialization: "advanced",
        env,
      },
    );
    this.spawned++;
    const slot: Slot = {
      child,
      memoryLimitMb,
      busy: false,
      tasks: 0,
      stderr: "",
      poisoned: false,
      killedFor: null,
      onExit: null,
      onReply: null,
      ready: Promise.resolve(),
    };
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      slot.stderr = (slot.stderr + d).slice(-8000);
    });
    slot.ready = new Promise<void>((resolve, reject) => {
      const onMsg = (m: { ready?: boolean }) => {
        if (m?.ready) {
          child.off("message", onMsg);
          resolve();
        }
      };
      child.on("message", onMsg);
      child.once("exit", (code, sig) =>
        reject(new Error(`the PDF worker exited while starting (${code ?? sig})`)),
      );
      child.once("error", reject);
    });
    slot.ready.catch(() => {});
    child.on("message", (m: ChildReply & { ready?: boolean }) => {
      if (!m.ready) slot.onReply?.(m);
    });
    child.on("exit", (code, signal) => {
      this.drop(slot);
      slot.onExit?.(code, signal);
    });
    // Idle children must not keep the server (or a test run) alive.
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    this.slots.push(slot);
    return slot;
  }

  private kill(slot: Slot, why: IsolationError | null): Promise<void> {
    slot.killedFor = why ?? new IsolationError("aborted", "stopped");
    this.drop(slot);
    const c = slot.child;
    if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    // Idle children are unref'd so they never keep the process alive; while we wait for this one
    // to exit it must hold the event loop, or a CLI command would end mid-await with exit code 0.
    c.ref();
    return new Promise((resolve) => {
      c.once("exit", () => resolve());
      c.kill("SIGKILL");
    });
  }

  private runIn(slot: Slot, task: ChildTask, limits: TaskLimits): Promise<unknown> {
    const { child } = slot;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | null, value?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(watch);
        limits.signal?.removeEventListener("abort", onAbort);
        slot.onReply = null;
        slot.onExit = null;
        if (err) reject(err);
        else resolve(value);
      };
      const stop = (why: IsolationError) => {
        void this.kill(slot, why);
        finish(why);
      };
      const seconds = Math.round(limits.timeLimitMs / 100) / 10;
      const timer = setTimeout(
        () =>
          stop(
            new IsolationError(
              "too-complex",
              `Reading the PDF took longer than the limit of ${seconds} s and was stopped.`,
            ),
          ),
        limits.timeLimitMs,
      );
      const limitBytes = limits.memoryLimitMb * 1024 * 1024;
      const watch = setInterval(() => {
        const rss = child.pid ? residentBytes(child.pid) : null;
        if (rss !== null && rss > limitBytes) {
          stop(
            new IsolationError(
              "too-large",
              `Reading the PDF needed more than the memory limit of ${limits.memoryLimitMb} MB and was stopped.`,
            ),
          );
        }
      }, this.opts.watchMs ?? 50);
      const onAbort = () => stop(new IsolationError("aborted", "cancelled"));
      if (limits.signal?.aborted) return onAbort();
      limits.signal?.addEventListener("abort", onAbort, { once: true });
      slot.onReply = (r) => {
        if (r.id !== id) return;
        const poisoned = r.poisoned ?? null;
        if (poisoned) slot.poisoned = true;
        if (r.ok) finish(null, { value: r.value, poisoned });
        else finish(new TaskError(r.error.message, r.error.code, r.error.name, poisoned));
      };
      slot.onExit = (code, signal) => {
        if (slot.killedFor) return finish(slot.killedFor);
        // V8 ran out of its heap: the JS side of the memory limit.
        if (/heap out of memory|Reached heap limit|Allocation failed/i.test(slot.stderr)) {
          return finish(
            new IsolationError(
              "too-large",
              `Reading the PDF needed more than the memory limit of ${limits.memoryLimitMb} MB and was stopped.`,
            ),
          );
        }
        const last = slot.stderr.trim().split("\n").filter(Boolean).slice(-3).join(" / ").slice(0, 300);
        finish(
          new IsolationError(
            "crashed",
            `The PDF reader stopped unexpectedly on this file (${signal ?? `exit ${code}`}${last ? `: ${last}` : ""}).`,
          ),
        );
      };
      child.send({ id, task }, (err) => {
        if (err)
          finish(new IsolationError("crashed", `The PDF worker could not take the task: ${err.message}`));
      });
    });
  }
}

let shared: PdfPool | null = null;

/** The process-wide pool (analysis and crop share it); resized in place when the setting changes. */
export function sharedPool(size: number): PdfPool {
  shared ??= new PdfPool({ size });
  if (shared.size !== size) shared.resize(size);
  return shared;
}

/** One child of the shared pool started now, with the default limits (see PdfPool.prestart). */
export function prestartSharedPool(): void {
  sharedPool(DEFAULT_PDF_WORKERS).prestart(DEFAULT_PDF_MEMORY_LIMIT_MB);
}

export async function closeSharedPool(): Promise<void> {
  const p = shared;
  shared = null;
  await p?.close();
}
