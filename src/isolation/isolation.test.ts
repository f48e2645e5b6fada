// The PDF pool: analysis in a child process gives the same answer as in process; a file that runs
// past the time limit or the memory limit (JS heap or MuPDF's WASM heap) fails with too-complex /
// too-large, a crash with damaged, and the pool, the other jobs and the event loop carry on.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fontBomb, heavyContent, manyPages, writeFixture } from "../../test/fixtures/hostile.ts";
import { buildRealWorld } from "../../test/fixtures/real-world.ts";
import { buildCorpus, testSettings, threeMarks, writeSheet } from "../../test/fixtures/signa.ts";
import { analyzeFile } from "../analysis/analyze.ts";
import { settingsSchema } from "../config/settings-schema.ts";
import { analyzeIsolated, CropLimitError, cropIsolated } from "./isolated.ts";
import { IsolationError, PdfPool, residentBytes } from "./pdf-pool.ts";
import { readerStats } from "./reader-stats.ts";

const LIMITS = { timeLimitMs: 60_000, memoryLimitMb: 1024 };

describe("PDF pool", () => {
  let dir: string;
  let pool: PdfPool;
  let sheet: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdfupload-isolation-"));
    pool = new PdfPool({ size: 2, selfTest: true });
    sheet = await writeSheet(dir, "0537_Technoyug_Flier_Leonov.pdf", {
      pages: 2,
      marks: threeMarks({ bureau: "Leonov" }),
    });
  });
  afterAll(async () => {
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("analyses in a child process exactly as in process", async () => {
    const settings = testSettings();
    const inProcess = await analyzeFile(sheet, { settings });
    const isolated = await analyzeIsolated(sheet, { settings, pool, limits: LIMITS });
    expect(isolated).toEqual(inProcess);
    expect(isolated.error).toBeNull();
    expect(isolated.plates).toBe(10);
    expect(pool.pids().every((p) => p !== process.pid)).toBe(true);
  });

  it("answers as in process over the corpus and other producers' files (the child runs without colour management)", async () => {
    const settings = testSettings();
    const files = [
      ...Object.values(await buildCorpus(path.join(dir, "corpus"))),
      ...(await buildRealWorld(path.join(dir, "real"))).map((r) => r.file),
    ];
    let read = 0;
    for (const f of files) {
      const inProcess = await analyzeFile(f, { settings });
      expect(await analyzeIsolated(f, { settings, pool, limits: LIMITS }), f).toEqual(inProcess);
      if (!inProcess.error) read++;
    }
    expect(read).toBeGreaterThan(10);
  });

  it("stops a file that runs past the time limit with too-complex, and the next file is read", async () => {
    const slow = writeFixture(dir, "0001_slow.pdf", heavyContent());
    const settings = testSettings();
    const a = await analyzeIsolated(slow, {
      settings,
      pool,
      limits: { timeLimitMs: 400, memoryLimitMb: 1024 },
    });
    expect(a.error?.code).toBe("too-complex");
    expect(a.error?.message).toMatch(/longer than the limit of 0\.4 s/);
    expect(a.order).toBe("0001"); // the file name's facts survive the stop
    const next = await analyzeIsolated(sheet, { settings, pool, limits: LIMITS });
    expect(next.error).toBeNull();
  });

  it("stops a file whose MuPDF heap passes the memory limit with too-large (RSS watchdog)", async () => {
    // The stream-bomb check is switched off so that MuPDF really loads the 1 GB font into WASM memory.
    const bomb = writeFixture(dir, "font-bomb.pdf", fontBomb(1024));
    const settings = settingsSchema.parse({ ...testSettings(), analysis: { maxStreamMb: 100_000 } });
    const a = await analyzeIsolated(bomb, {
      settings,
      pool,
      limits: { timeLimitMs: 60_000, memoryLimitMb: 300 },
    });
    expect(a.error?.code).toBe("too-large");
    expect(a.error?.message).toMatch(/memory limit of 300 MB/);
  });

  it("bounds MuPDF's WASM heap and the JS heap separately, and survives a crash", async () => {
    const before = pool.spawned;
    const limits = { timeLimitMs: 60_000, memoryLimitMb: 300 };
    await expect(pool.run({ kind: "selftest", action: "wasm-hog", mb: 1024 }, limits)).rejects.toMatchObject({
      code: "too-large",
    });
    await expect(pool.run({ kind: "selftest", action: "js-hog" }, limits)).rejects.toMatchObject({
      code: "too-large",
    });
    await expect(pool.run({ kind: "selftest", action: "crash" }, limits)).rejects.toMatchObject({
      code: "crashed",
    });
    expect(await pool.run({ kind: "selftest", action: "echo" }, limits)).toBe("ok");
    expect(pool.spawned).toBeGreaterThanOrEqual(before + 3); // each killed child was replaced
    const settings = testSettings();
    expect((await analyzeIsolated(sheet, { settings, pool, limits: LIMITS })).error).toBeNull();
  });

  it("keeps the other jobs and the event loop going while one file hangs", async () => {
    const hung = pool.run({ kind: "selftest", action: "spin" }, { timeLimitMs: 2500, memoryLimitMb: 1024 });
    hung.catch(() => {});
    // While the hung child spins, the second child reads a sheet and this process keeps answering.
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const a = await analyzeIsolated(sheet, { settings: testSettings(), pool, limits: LIMITS });
    clearInterval(ticker);
    expect(a.error).toBeNull();
    expect(ticks).toBeGreaterThan(0);
    await expect(hung).rejects.toMatchObject({ code: "too-complex" });
  });

  it("cancels a task on the job's abort signal", async () => {
    const ac = new AbortController();
    const p = pool.run({ kind: "selftest", action: "spin" }, { ...LIMITS, signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    await expect(p).rejects.toBeInstanceOf(IsolationError);
    await expect(p).rejects.toMatchObject({ code: "aborted" });
  });

  it("crops in a child process; a crop past the time limit is a CropLimitError", async () => {
    const out = path.join(dir, "cropped.pdf");
    const r = await cropIsolated(sheet, out, [[0, 0, 1000, 700], null], { pool, limits: LIMITS });
    expect(r.boxes).toHaveLength(2);
    expect(fs.existsSync(out)).toBe(true);
    // A crop walks every page: 20 000 pages take the child far longer than the 1 ms limit.
    const big = writeFixture(dir, "big.pdf", manyPages(20_000));
    const e = await cropIsolated(big, path.join(dir, "never.pdf"), [null], {
      pool,
      limits: { timeLimitMs: 1, memoryLimitMb: 1024 },
    }).catch((x) => x);
    expect(e).toBeInstanceOf(CropLimitError);
    expect((e as CropLimitError).error.code).toBe("too-complex");
  });

  it("ends a child that met a reader fault, even one the task swallowed, before the next task", async () => {
    const before = {
      spawned: pool.spawned,
      poisoned: pool.poisonedChildren,
      stats: readerStats.poisonedChildren,
    };
    expect(await pool.run({ kind: "selftest", action: "echo" }, LIMITS)).toBe("ok");
    const r = await pool.runReport({ kind: "selftest", action: "poison" }, LIMITS);
    expect(r.value).toBe("swallowed");
    expect(r.poisoned).toMatch(/memory access out of bounds/);
    expect(pool.poisonedChildren).toBe(before.poisoned + 1);
    expect(readerStats.poisonedChildren).toBe(before.stats + 1);
    // The poisoned child is gone: the next task starts one more.
    const a = await analyzeIsolated(sheet, { settings: testSettings(), pool, limits: LIMITS });
    expect(a.error).toBeNull();
    expect(pool.spawned).toBeGreaterThan(before.spawned);
  });

  it("reads a file refused as damaged once more in a fresh child before the verdict counts", async () => {
    const cut = path.join(dir, "0002_cut.pdf");
    fs.writeFileSync(cut, fs.readFileSync(sheet).subarray(0, 3000)); // an unfinished copy
    const rereads = readerStats.rereads;
    const a = await analyzeIsolated(cut, { settings: testSettings(), pool, limits: LIMITS });
    expect(a.error?.code).toBe("damaged");
    expect(readerStats.rereads).toBe(rereads + 1);
    // A healthy file costs no second reading.
    await analyzeIsolated(sheet, { settings: testSettings(), pool, limits: LIMITS });
    expect(readerStats.rereads).toBe(rereads + 1);
  });

  it("reads the resident memory of a process", () => {
    expect(residentBytes(process.pid)).toBeGreaterThan(10 * 1024 * 1024);
    expect(residentBytes(2 ** 22 + 12345)).toBeNull();
  });
});

describe("PDF pool start-up failure", () => {
  it("is a transient fault (the job retries later), not a verdict on the file", async () => {
    const pool = new PdfPool({ size: 1 });
    // A child that dies at once: an unknown V8 flag through NODE_OPTIONS.
    const saved = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = "--no-such-flag-for-pdfupload";
    try {
      const e = await pool.run({ kind: "selftest", action: "echo" }, LIMITS).catch((x) => x);
      expect(e).toMatchObject({ transient: true, code: "worker-start" });
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
      await pool.close();
    }
  });
});

describe("PDF pool start-up ahead and resizing", () => {
  it("prestart starts one child before any task, and the first task with that limit runs in it", async () => {
    const pool = new PdfPool({ size: 2, selfTest: true });
    try {
      pool.prestart(LIMITS.memoryLimitMb);
      expect(pool.spawned).toBe(1);
      const [pid] = pool.pids();
      pool.prestart(LIMITS.memoryLimitMb); // already has a child: nothing more
      expect(pool.spawned).toBe(1);
      expect(await pool.run({ kind: "selftest", action: "echo" }, LIMITS)).toBe("ok");
      expect(pool.spawned).toBe(1);
      expect(pool.pids()).toEqual([pid]);
      // Another memory limit (the settings said otherwise): a fresh child with that heap cap.
      await pool.run({ kind: "selftest", action: "echo" }, { ...LIMITS, memoryLimitMb: 512 });
      expect(pool.spawned).toBe(2);
      expect(pool.pids()).not.toContain(pid);
    } finally {
      await pool.close();
    }
  });

  it("resize keeps the pool and its idle children up to the new size", async () => {
    const pool = new PdfPool({ size: 2, selfTest: true });
    try {
      const echo = () => pool.run({ kind: "selftest", action: "echo" }, LIMITS);
      await Promise.all([echo(), echo()]);
      expect(pool.pids()).toHaveLength(2);
      pool.resize(1);
      expect(pool.size).toBe(1);
      expect(pool.pids()).toHaveLength(1);
      const kept = pool.pids()[0];
      expect(await echo()).toBe("ok");
      expect(pool.pids()).toEqual([kept]);
      pool.resize(3);
      await Promise.all([echo(), echo(), echo()]);
      expect(pool.pids()).toHaveLength(3);
    } finally {
      await pool.close();
    }
  });
});
