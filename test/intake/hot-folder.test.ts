// Hot-folder intake on real files: a slow writer is taken once, after it finishes; 100 files at
// once make 100 jobs; temp files are ignored; a rescan picks up what the watcher missed.
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import { HotFolderWatcher } from "../../src/intake/hot-folder.ts";
import { tempContext } from "../helpers/temp-app.ts";
import { sleep, until } from "../helpers/wait.ts";

let ctx: AppContext | null = null;
let watcher: HotFolderWatcher | null = null;
afterEach(async () => {
  await watcher?.stop();
  await ctx?.close();
  watcher = null;
  ctx = null;
});

/** Polls until `fn` gives a value (10 s at most). */
async function value<T>(fn: () => Promise<T | null | undefined>): Promise<T> {
  let v: T | null | undefined;
  await until(async () => {
    v = await fn();
    return v != null;
  }, 10_000);
  return v as T;
}

const pdfBytes = (body: Buffer | string = "") =>
  Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.from(body), Buffer.from("\n%%EOF\n")]);

async function start(
  opts: { stableMs?: number; rescanMs?: number; polling?: boolean; maxWaitMs?: number } = {},
) {
  ctx = await tempContext();
  // The queue is not started: these tests look at intake alone (jobs stay queued).
  watcher = new HotFolderWatcher(ctx, {
    folders: [{ path: "input", abs: ctx.paths.input, importMode: false, polling: !!opts.polling }],
    stableMs: opts.stableMs ?? 500,
    rescanMs: opts.rescanMs ?? 2000, // a test here is about intake rules, not only inotify events
    maxWaitMs: opts.maxWaitMs,
  });
  await watcher.start();
  return ctx;
}

describe("hot folder intake", () => {
  it("takes a 200 MB file written in slow chunks over 10 s exactly once, after it finishes", async () => {
    const c = await start({ stableMs: 1500 });
    const file = path.join(c.paths.input, "0537_Big_Leonov.pdf");
    const fh = await fsp.open(file, "w");
    const chunk = Buffer.alloc(2 * 1024 * 1024, 0x20);
    await fh.write(Buffer.from("%PDF-1.7\n"));
    let seenEarly = 0;
    for (let i = 0; i < 100; i++) {
      await fh.write(chunk);
      await sleep(100);
      if (i % 10 === 9) seenEarly += (await c.jobs.list({})).total;
    }
    await fh.write(Buffer.from("\n%%EOF\n"));
    await fh.close();
    expect(seenEarly).toBe(0);
    await until(async () => (await c.jobs.list({})).total === 1);
    await sleep(2500);
    const { rows } = await c.jobs.list({});
    expect(rows).toHaveLength(1);
    expect(rows[0].size).toBe(9 + 100 * chunk.length + 7);
    // Moved at once into work/<job>/, gone from the hot folder.
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.statSync(rows[0].work_path as string).size).toBe(rows[0].size);
  }, 120_000);

  it("makes 100 jobs from 100 files dropped at once, no duplicates, no losses", async () => {
    const c = await start({ stableMs: 300 });
    const staging = path.join(c.paths.root, "staging");
    await fsp.mkdir(staging);
    for (let i = 0; i < 100; i++)
      await fsp.writeFile(path.join(staging, `${String(i).padStart(4, "0")}_job.pdf`), pdfBytes(`n${i}`));
    // rename is atomic: all 100 appear at once, like a Samba copy of a folder's contents.
    await Promise.all(
      (await fsp.readdir(staging)).map((n) => fsp.rename(path.join(staging, n), path.join(c.paths.input, n))),
    );
    await until(async () => (await c.jobs.list({})).total >= 100);
    await sleep(1500);
    const { rows, total } = await c.jobs.list({ limit: 1000 });
    expect(total).toBe(100);
    expect(new Set(rows.map((r) => r.file_name)).size).toBe(100);
    expect(await fsp.readdir(c.paths.input)).toEqual([]);
  }, 60_000);

  it("ignores temp and system files", async () => {
    const c = await start({ stableMs: 200 });
    for (const n of [
      "~$job.pdf",
      ".~lock.job.pdf#",
      "._job.pdf",
      "Thumbs.db",
      ".DS_Store",
      "job.pdf.tmp",
      "job.pdf.part",
    ])
      await fsp.writeFile(path.join(c.paths.input, n), pdfBytes());
    await fsp.writeFile(path.join(c.paths.input, "real.pdf"), pdfBytes());
    await until(async () => (await c.jobs.list({})).total === 1);
    await sleep(1000);
    expect((await c.jobs.list({})).rows.map((r) => r.file_name)).toEqual(["real.pdf"]);
  });

  it("waits for a PDF without its end marker, and takes a non-PDF once stable", async () => {
    const c = await start({ stableMs: 300 });
    const partial = path.join(c.paths.input, "partial.pdf");
    await fsp.writeFile(partial, "%PDF-1.7\nhalf of it");
    await fsp.writeFile(path.join(c.paths.input, "notes.txt"), "not a pdf");
    await until(async () => (await c.jobs.list({})).total === 2);
    await sleep(1200);
    // The partial PDF is shown as waiting (not taken: still in the hot folder, not runnable).
    const waiting = (await c.jobs.list({ q: "partial" })).rows[0];
    expect(waiting).toMatchObject({ status: "queued", step: "incomplete", work_path: null });
    expect(Date.parse(waiting.run_after)).toBeGreaterThan(Date.now());
    expect(fs.existsSync(partial)).toBe(true);
    await fsp.appendFile(partial, "\n%%EOF\n");
    // Finished: the same row takes the file over (no second row) and is runnable now.
    const taken = await value(async () => {
      const r = (await c.jobs.list({ q: "partial" })).rows[0];
      return r?.work_path ? r : null;
    });
    expect(taken.id).toBe(waiting.id);
    expect(taken.step).toBeNull();
    expect((await c.jobs.list({})).total).toBe(2);
  });

  it("shows an empty file as waiting within seconds and takes it once the incomplete window ends", async () => {
    const c = await start({ stableMs: 300, maxWaitMs: 3000 });
    const empty = path.join(c.paths.input, "0540_Empty_Leonov.pdf");
    await fsp.writeFile(empty, "");
    const t0 = Date.now();
    const row = await value(async () => (await c.jobs.list({})).rows[0]);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(row).toMatchObject({ step: "incomplete", status: "queued", work_path: null });
    const taken = await value(async () => {
      const r = await c.jobs.get(row.id);
      return r?.work_path ? r : null;
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3000);
    expect(taken.step).toBeNull();
    expect(Date.parse(taken.run_after)).toBeLessThanOrEqual(Date.now());
    expect(fs.existsSync(empty)).toBe(false);
    expect((await c.jobs.list({})).total).toBe(1);
  });

  it("picks up files present at start and files the watcher missed (rescan)", async () => {
    ctx = await tempContext();
    await fsp.mkdir(ctx.paths.input, { recursive: true });
    await fsp.writeFile(path.join(ctx.paths.input, "before-start.pdf"), pdfBytes());
    watcher = new HotFolderWatcher(ctx, {
      folders: [{ path: "input", abs: ctx.paths.input, importMode: false, polling: false }],
      stableMs: 200,
      rescanMs: 60_000,
    });
    await watcher.start();
    const c = ctx;
    await until(async () => (await c.jobs.list({})).total === 1);
    // Simulate a missed event: stop the watchers' event source by writing while only rescan runs.
    await watcher.stop();
    watcher = new HotFolderWatcher(c, {
      folders: [{ path: "input", abs: c.paths.input, importMode: true, polling: true, bureau: "Leonov" }],
      stableMs: 200,
      rescanMs: 500,
    });
    await watcher.start();
    await fsp.writeFile(path.join(c.paths.input, "later.pdf"), pdfBytes());
    await until(async () => (await c.jobs.list({})).total === 2);
    const later = (await c.jobs.list({ q: "later" })).rows[0];
    // Hot-folder defaults travel with the job.
    expect(later.import_mode).toBe(1);
    expect(later.default_bureau).toBe("Leonov");
  });
});
