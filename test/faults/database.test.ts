// The database locked or gone for a while, mid-job. SQLite: another connection holds the write lock
// for longer than the busy timeout. PostgreSQL: the server is shut down (fast: every connection cut)
// and started again. Either way the job waits, loses nothing, and ends done without a restart of ours.
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import { postgresBinDir } from "../helpers/servers.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";
import { sleep, until } from "../helpers/wait.ts";
import { dropSheet, finished, shopSettings, timelineOf } from "./harness.ts";
import { type RestartablePostgres, restartablePostgres } from "./postgres.ts";

/** Resolves when the job starts `step` (live events). */
function stepStarted(ctx: AppContext, jobId: number, step: string): Promise<void> {
  return new Promise((resolve) => {
    const off = ctx.events.on((e) => {
      if (e.type === "job" && e.id === jobId && e.step === step && e.status === "processing") {
        off();
        resolve();
      }
    });
  });
}

async function expectDoneAndSafe(ctx: AppContext, jobId: number) {
  const done = await finished(ctx, jobId, 150_000);
  expect(done.error_message).toBeNull();
  expect(done.status).toBe("done");
  expect(fs.existsSync(done.final_path as string)).toBe(true);
  expect(done.final_path?.startsWith(ctx.paths.archive)).toBe(true);
  const steps = timelineOf(done)
    .filter((t) => t.status === "ok")
    .map((t) => t.step);
  expect(steps).toEqual(["intake", "analyse", "render", "archive", "plan", "deliver"]);
  const all = await ctx.jobs.list({ limit: 100 });
  expect(all.rows.filter((r) => r.file_name === done.file_name)).toHaveLength(1); // never doubled
  const delivered = await ctx.jobs.deliveries(jobId);
  expect(delivered.map((d) => d.state).sort()).toEqual(["sent", "sent"]);
}

describe("database faults", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  });
  afterAll(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  });

  it("SQLite locked by another connection past the busy timeout mid-job: the job waits and finishes", async () => {
    const outside = tempDir("pdfupload-dblock-");
    const ctx = await tempContext(path.join(outside, "data"));
    cleanups.push(async () => {
      await ctx.close();
      await fsp.rm(outside, { recursive: true, force: true });
    });
    await ctx.settingsRepo.save(shopSettings(outside));
    ctx.queue.work(1);
    const job = await dropSheet(ctx, path.join(outside, "in"));
    await stepStarted(ctx, job.id, "render");
    // Another process (a backup, a sqlite3 shell) takes the write lock for 25 s: longer than our
    // 10 s busy_timeout, so the runner's writes fail with SQLITE_BUSY more than once.
    const other = new Database(ctx.paths.sqlite);
    other.pragma("busy_timeout = 0");
    other.exec("BEGIN IMMEDIATE");
    let released = false;
    const release = sleep(25_000).then(() => {
      other.exec("COMMIT");
      other.close();
      released = true;
    });
    cleanups.push(async () => {
      if (!released) {
        other.exec("ROLLBACK");
        other.close();
      }
    });
    await release;
    await expectDoneAndSafe(ctx, job.id);
  }, 200_000);

  it.skipIf(!postgresBinDir())(
    "PostgreSQL restarted mid-job: the job waits and finishes",
    async () => {
      const pg: RestartablePostgres = await restartablePostgres();
      cleanups.push(() => pg.destroy());
      const outside = tempDir("pdfupload-pgrestart-");
      const ctx = await tempContext(path.join(outside, "data"), { DATABASE_URL: pg.url });
      cleanups.push(async () => {
        await ctx.close();
        await fsp.rm(outside, { recursive: true, force: true });
      });
      await ctx.settingsRepo.save(shopSettings(outside));
      ctx.queue.work(1);
      const job = await dropSheet(ctx, path.join(outside, "in"));
      await stepStarted(ctx, job.id, "render");
      await pg.stop();
      await sleep(8_000); // down long enough for the render to end and its writes to fail
      await pg.start();
      await expectDoneAndSafe(ctx, job.id);
      // And the store keeps serving new work after the restart.
      const second = await dropSheet(ctx, path.join(outside, "in"));
      await until(async () => (await ctx.jobs.get(second.id))?.status === "done", 120_000, "second job done");
    },
    240_000,
  );
});
