// Watches the hot folders. A file is taken only once it has stopped changing for the stability
// window and looks complete; watcher events can be missed (network shares, restarts), so a scan at
// start and a periodic rescan feed the same stabiliser. A file that is stable but incomplete (0 bytes,
// no PDF end marker) shows in the journal at once as waiting, and is taken (and refused with its
// reason) once it stayed unchanged for the incomplete-file window.
import fsp from "node:fs/promises";
import path from "node:path";
import { type FSWatcher, watch } from "chokidar";
import type { HotFolder } from "../config/settings-schema.ts";
import { type AcceptResult, acceptFile, announceWaiting, type IntakeDeps } from "./accept-file.ts";
import { looksComplete } from "./completeness.ts";
import { isIgnoredName } from "./ignore.ts";

export interface HotFolderOptions {
  folders: (HotFolder & { abs: string })[];
  stableMs: number;
  rescanMs: number;
  /**
   * A file that stays unchanged but incomplete (0 bytes, a PDF with no end marker) is taken anyway
   * after this long, and the analysis refuses it with its reason ("empty", "damaged"). Default 60 s.
   */
  maxWaitMs?: number;
  onAccepted?: (r: AcceptResult) => void;
}

interface Candidate {
  size: number;
  mtimeMs: number;
  firstSeen: number;
  timer: NodeJS.Timeout;
  folder: HotFolder & { abs: string };
}

const DEFAULT_MAX_WAIT_MS = 60_000;

export class HotFolderWatcher {
  private readonly candidates = new Map<string, Candidate>();
  private readonly busy = new Set<string>();
  private readonly firstChecks = new Set<string>();
  /** Journal rows shown as "waiting: incomplete file", by path; the file's job when it is taken. */
  private readonly waiting = new Map<string, number>();
  private watchers: FSWatcher[] = [];
  private rescanTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private fast = false;

  constructor(
    private readonly deps: IntakeDeps,
    private readonly opts: HotFolderOptions,
  ) {}

  async start(): Promise<void> {
    for (const folder of this.opts.folders) {
      await fsp.mkdir(folder.abs, { recursive: true });
      const w = watch(folder.abs, {
        depth: 0,
        ignoreInitial: true,
        usePolling: folder.polling,
        interval: 500,
        ignored: (p: string) => p !== folder.abs && isIgnoredName(path.basename(p)),
      });
      w.on("add", (p) => this.see(p, folder));
      w.on("change", (p) => this.see(p, folder));
      w.on("error", (e) => {
        // inotify can run out (instances, watches) or not work on a mount: rescan often instead.
        this.deps.logger.warn(
          { err: e, folder: folder.abs },
          "hot folder watcher error; rescanning every second instead",
        );
        this.fastRescan();
      });
      this.watchers.push(w);
    }
    await this.rescan();
    this.rescanTimer = setInterval(() => void this.rescan(), this.opts.rescanMs);
    this.rescanTimer.unref();
  }

  private fastRescan(): void {
    if (this.stopped || this.fast) return;
    this.fast = true;
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    this.rescanTimer = setInterval(
      () => void this.rescan(),
      Math.max(1000, Math.min(this.opts.stableMs, 5000)),
    );
    this.rescanTimer.unref();
  }

  /** Lists every hot folder and feeds what it finds to the stabiliser. */
  async rescan(): Promise<void> {
    for (const folder of this.opts.folders) {
      let names: string[];
      try {
        names = await fsp.readdir(folder.abs);
      } catch (e) {
        this.deps.logger.warn({ err: e, folder: folder.abs }, "hot folder not readable");
        continue;
      }
      for (const n of names) if (!isIgnoredName(n)) this.see(path.join(folder.abs, n), folder);
    }
  }

  private see(file: string, folder: HotFolder & { abs: string }): void {
    // Already watched (its timer re-checks) or its first check is under way: one chain per file.
    if (this.stopped || this.busy.has(file) || this.candidates.has(file) || this.firstChecks.has(file))
      return;
    this.firstChecks.add(file);
    void this.check(file, folder, null).finally(() => this.firstChecks.delete(file));
  }

  private async check(
    file: string,
    folder: HotFolder & { abs: string },
    prev: Candidate | null,
  ): Promise<void> {
    if (this.stopped) return;
    let st: Awaited<ReturnType<typeof fsp.stat>>;
    try {
      st = await fsp.stat(file);
    } catch {
      await this.gone(file);
      return; // gone (moved by us or by the user)
    }
    if (!st.isFile()) return this.forget(file);
    const now = Date.now();
    const unchanged = prev && prev.size === st.size && prev.mtimeMs === st.mtimeMs;
    if (unchanged && now - prev.firstSeen >= this.opts.stableMs) {
      const complete = st.size > 0 && (await looksComplete(file).catch(() => false));
      const waited = now - prev.firstSeen;
      const maxWait = this.opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
      if (complete || waited >= maxWait) {
        this.forget(file);
        await this.take(file, folder);
        return;
      }
      if (!this.waiting.has(file)) await this.announce(file, folder, maxWait - waited);
    }
    const firstSeen = unchanged ? prev.firstSeen : now;
    const timer = setTimeout(
      () => {
        const cur = this.candidates.get(file);
        if (cur) void this.check(file, folder, cur);
      },
      Math.max(100, Math.min(this.opts.stableMs, 1000)),
    );
    if (prev) clearTimeout(prev.timer);
    this.candidates.set(file, { size: st.size, mtimeMs: st.mtimeMs, firstSeen, timer, folder });
  }

  /** Puts a waiting row into the journal (once per file) so the operator sees why nothing happens. */
  private async announce(file: string, folder: HotFolder & { abs: string }, leftMs: number): Promise<void> {
    try {
      const job = await announceWaiting(this.deps, {
        file,
        source: `hot-folder:${folder.path}`,
        importMode: folder.importMode,
        defaultBureau: folder.bureau ?? null,
        leftMs,
      });
      this.waiting.set(file, job.id);
    } catch (e) {
      this.deps.logger.warn({ err: e, file }, "could not show the waiting file in the journal");
    }
  }

  /** The file went away while waiting: its row fails at once ("missing") instead of waiting on. */
  private async gone(file: string): Promise<void> {
    this.forget(file);
    const id = this.waiting.get(file);
    if (id == null) return;
    this.waiting.delete(file);
    await this.deps.jobs.update(id, { run_after: new Date().toISOString() }).catch(() => {});
    await this.deps.queue.enqueue(id).catch(() => {});
  }

  private forget(file: string): void {
    const c = this.candidates.get(file);
    if (c) clearTimeout(c.timer);
    this.candidates.delete(file);
  }

  private async take(file: string, folder: HotFolder & { abs: string }): Promise<void> {
    this.busy.add(file);
    try {
      const jobId = this.waiting.get(file);
      this.waiting.delete(file);
      const r = await acceptFile(this.deps, {
        jobId,
        file,
        source: `hot-folder:${folder.path}`,
        move: true,
        importMode: folder.importMode,
        defaultBureau: folder.bureau ?? null,
      });
      this.opts.onAccepted?.(r);
    } catch (e) {
      this.deps.logger.error({ err: e, file }, "intake failed; the file stays in the hot folder");
    } finally {
      this.busy.delete(file);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    for (const c of this.candidates.values()) clearTimeout(c.timer);
    this.candidates.clear();
    await Promise.all(this.watchers.map((w) => w.close()));
  }
}
