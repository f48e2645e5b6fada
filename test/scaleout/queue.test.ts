// The JobQueue contract on both implementations (embedded on SQLite, BullMQ on Redis with
// PostgreSQL), with two queue instances standing for two worker processes: every job runs
// exactly once, a scheduled retry waits for its time, and recovery never takes a job that a live
// worker holds.
import { spawnSync } from "node:child_process";
import fsp from "node:fs/promises";
import os from "node:os";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BullmqQueue } from "../../src/queue/bullmq-queue.ts";
import { EmbeddedQueue } from "../../src/queue/embedded-queue.ts";
import type { JobQueue } from "../../src/queue/job-queue.ts";
import { requeueStale } from "../../src/queue/stale-locks.ts";
import { openStore, type Store } from "../../src/store/db.ts";
import { type JobRow, JobsRepository } from "../../src/store/jobs.repository.ts";
import { nowIso } from "../../src/util/time.ts";
import { ENGINES } from "../helpers/servers.ts";
import { tempDir } from "../helpers/temp-app.ts";
import { sleep, until } from "../helpers/wait.ts";

const logger = pino({ level: process.env.TEST_LOG ?? "silent" });

describe.each(ENGINES)("job queue on $name", (engine) => {
  let store: Store;
  let jobs: JobsRepository;
  let env: Record<string, string>;
  let stopEngine: () => Promise<void> = async () => {};
  const queues: JobQueue[] = [];
  let dir = "";

  function makeQueue(workerId: string, run: (row: JobRow) => Promise<void>): JobQueue {
    const q: JobQueue = env.REDIS_URL
      ? new BullmqQueue({
          redisUrl: env.REDIS_URL,
          jobs,
          run,
          logger,
          workerId,
          lockMs: 2000,
          reconcileMs: 500,
        })
      : new EmbeddedQueue(jobs, store.engine, run, logger, workerId, 100);
    queues.push(q);
    return q;
  }
  const finish = (row: JobRow) => jobs.update(row.id, { status: "done", locked_by: null, locked_at: null });

  beforeAll(async () => {
    const started = await engine.start();
    stopEngine = started.stop;
    env = started.env;
    dir = tempDir("pdfupload-queue-");
    store = await openStore({
      databaseUrl: env.DATABASE_URL ?? null,
      sqlitePath: `${dir}/q.db`,
    });
    jobs = new JobsRepository(store.db);
  });
  afterAll(async () => {
    for (const q of queues) await q.stop().catch(() => {});
    await store?.close();
    await stopEngine();
    if (dir) await fsp.rm(dir, { recursive: true, force: true });
  });

  it("runs each of 40 jobs exactly once across two workers", async () => {
    const calls = new Map<number, string[]>();
    const handler = (who: string) => async (row: JobRow) => {
      calls.set(row.id, [...(calls.get(row.id) ?? []), who]);
      await sleep(5);
      await finish(row);
    };
    const a = makeQueue(`${os.hostname()}:1001`, handler("a"));
    const b = makeQueue(`${os.hostname()}:1002`, handler("b"));
    a.work(2);
    b.work(2);
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) {
      const row = await jobs.create({ fileName: `f${i}.pdf`, source: "test", sourcePath: null });
      ids.push(row.id);
      // Doors may enqueue more than once (watcher + rescan): still one run.
      await a.enqueue(row.id);
      await b.enqueue(row.id);
    }
    await until(async () => (await jobs.counts()).done === 40, 60_000, "all done");
    await sleep(300);
    for (const id of ids) expect(calls.get(id), `job ${id}`).toHaveLength(1);
    const workers = new Set([...calls.values()].flat());
    expect(workers).toEqual(new Set(["a", "b"]));
    await a.stop();
    await b.stop();
  });

  it("holds a scheduled retry back until its run_after time", async () => {
    const runs: number[] = [];
    const q = makeQueue(`${os.hostname()}:1003`, async (row) => {
      runs.push(Date.now());
      if (runs.length === 1) {
        // What the runner does on a transient fault: back to queued, later.
        await jobs.update(row.id, {
          status: "queued",
          attempts: 1,
          run_after: new Date(Date.now() + 1500).toISOString(),
          locked_by: null,
        });
        return;
      }
      await finish(row);
    });
    q.work(1);
    const row = await jobs.create({ fileName: "retry.pdf", source: "test", sourcePath: null });
    await q.enqueue(row.id);
    await until(async () => (await jobs.get(row.id))?.status === "done", 20_000, "retried job done");
    expect(runs).toHaveLength(2);
    expect(runs[1] - runs[0]).toBeGreaterThanOrEqual(1400);
    await q.stop();
  });

  it("never hands on a job that a live worker holds; hands on one whose worker is gone", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const seen: string[] = [];
    const holder = makeQueue(`${os.hostname()}:${process.ppid}`, async (row) => {
      seen.push("holder");
      await held;
      await finish(row);
    });
    holder.work(1);
    const row = await jobs.create({ fileName: "held.pdf", source: "test", sourcePath: null });
    await holder.enqueue(row.id);
    await until(async () => (await jobs.get(row.id))?.status === "processing", 10_000, "taken");
    const lockedBy = (await jobs.get(row.id))?.locked_by;

    // Another worker starting now runs its recovery.
    const other = makeQueue(`${os.hostname()}:2002`, async (r) => {
      seen.push("other");
      await finish(r);
    });
    if (other instanceof BullmqQueue) {
      expect(await other.reconcile()).toBe(0);
      other.work(1);
    } else {
      expect(await requeueStale(jobs)).toBe(0);
      other.work(1);
    }
    // Longer than the BullMQ lock (2 s): the live holder renews it, so nothing moves.
    await sleep(4000);
    expect(await jobs.get(row.id)).toMatchObject({ status: "processing", locked_by: lockedBy });
    release();
    await until(async () => (await jobs.get(row.id))?.status === "done", 10_000, "held job done");
    expect(seen).toEqual(["holder"]);
    await holder.stop();

    // A row left processing by a dead worker (its process gone, its queue entry gone).
    const dead = spawnSync("true").pid as number;
    const orphan = await jobs.create({ fileName: "orphan.pdf", source: "test", sourcePath: null });
    await jobs.update(orphan.id, {
      status: "processing",
      locked_by: `${os.hostname()}:${dead}:0`,
      locked_at: nowIso(),
    });
    const elsewhere = await jobs.create({ fileName: "elsewhere.pdf", source: "test", sourcePath: null });
    await jobs.update(elsewhere.id, {
      status: "processing",
      locked_by: "other-host:77:0",
      locked_at: nowIso(),
    });
    if (other instanceof BullmqQueue) {
      // BullMQ: no queue entry means nobody holds it, whichever host wrote the row.
      await until(async () => (await jobs.get(orphan.id))?.status === "done", 10_000, "orphan recovered");
      await until(
        async () => (await jobs.get(elsewhere.id))?.status === "done",
        10_000,
        "row without a queue entry recovered",
      );
    } else {
      expect(await requeueStale(jobs)).toBe(1);
      await other.enqueue(orphan.id);
      await until(async () => (await jobs.get(orphan.id))?.status === "done", 10_000, "orphan recovered");
      // A holder on another host cannot be checked from here: left alone.
      expect((await jobs.get(elsewhere.id))?.status).toBe("processing");
    }
    await other.stop();
  }, 60_000);
});
