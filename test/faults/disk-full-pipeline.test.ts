// A disk that fills up while several jobs are in the pipeline, on real small file systems (tmpfs,
// as root; CI runs as root): once while Ghostscript writes its rasters into work/, once under the
// journal itself (SQLite on the full volume). Every job is then either waiting with "disk full"
// (no retry spent, original in place) or done truthfully (every sheet rendered with its inks, or
// the sheet named with what it lacks and no inks booked); after the space is freed every job
// finishes by itself, each original reaches the bureau once, and no journal line is lost.
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Analysis } from "../../src/analysis/types.ts";
import type { AppContext } from "../../src/app/context.ts";
import { diskReport } from "../../src/app/disk-report.ts";
import type { JobOutputs, JobRow } from "../../src/store/jobs.repository.ts";
import { asRoot, fillUp, mountTmpfs, unmountAll } from "../helpers/small-fs.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";
import { until } from "../helpers/wait.ts";
import { dropSheet, shopSettings } from "./harness.ts";

const JOBS = 4;
const SHEET = { pages: 2, imageMb: 0.5 } as const;

/** Polls `dir` (recursively) until a file matching `re` exists. */
async function appears(dir: string, re: RegExp, ms: number): Promise<void> {
  // Polled often: a raster exists only while its pass runs.
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 5))) {
    const files = await fsp.readdir(dir, { recursive: true }).catch(() => [] as string[]);
    if (files.some((f) => re.test(String(f)))) return;
  }
  throw new Error(`no file like ${re} in ${dir} within ${ms} ms`);
}

/**
 * Fills the volume of `dir` the moment Ghostscript writes its first raster under work/, then again
 * once the failed passes removed theirs (else the disk looks fine again): returns the fillers.
 */
async function fillDuringRender(ctx: AppContext, ids: number[], dir: string): Promise<string[]> {
  await appears(ctx.paths.work, /\.tif$/, 60_000).catch(async (e) => {
    throw new Error(`${e.message}; jobs: ${JSON.stringify(await states(ctx, ids))}`);
  });
  const fillers = [await fillUp(dir)];
  await until(
    async () =>
      !(await fsp.readdir(ctx.paths.work, { recursive: true })).some((f) => String(f).endsWith(".tif")),
    60_000,
    "the cut-short rasters removed",
  );
  fillers.push(await fillUp(dir));
  return fillers;
}

/** A job seen while the disk is full: waiting for room, or done and saying what it lacks. */
function truthful(j: JobRow): string | null {
  if (j.status === "failed") return `job ${j.id} failed: ${j.error_code} ${j.error_message}`;
  if (j.status !== "done") {
    if (j.error_code !== "disk-full") return null; // not yet met the full disk (or met it and is recording)
    if (j.attempts !== 0) return `job ${j.id} spent ${j.attempts} retries waiting for space`;
    if (!j.work_path || !fs.existsSync(j.work_path)) return `job ${j.id} lost its original while waiting`;
    return null;
  }
  const analysis = JSON.parse(j.analysis as string) as Analysis;
  const pages = (JSON.parse(j.outputs ?? "{}") as JobOutputs).pages ?? [];
  for (const s of analysis.sheets) {
    const out = pages.find((p) => p.page === s.page);
    if (out?.missing?.length) {
      if (s.inks) return `job ${j.id} sheet ${s.page} lacks ${out.missing.join(", ")} yet has inks booked`;
      continue;
    }
    const total = Object.values(s.inks ?? {}).reduce((a, b) => a + b, 0);
    if (!(total > 0)) return `job ${j.id} sheet ${s.page} done with ${JSON.stringify(s.inks)} ink`;
    if (!out?.proof) return `job ${j.id} sheet ${s.page} done without a proof and says nothing`;
  }
  if (!(Number(j.plates) > 0)) return `job ${j.id} done with ${j.plates} plates`;
  return null;
}

/** What a failed wait shows: each job's state and its last log lines. */
const states = async (ctx: AppContext, ids: number[]) =>
  Promise.all(
    ids.map(async (id) => {
      const j = (await ctx.jobs.get(id)) as JobRow;
      const log = (await ctx.jobs.logLines(id)).slice(-3).map((l) => l.msg);
      return { id, status: j.status, step: j.step, error: j.error_code, message: j.error_message, log };
    }),
  );

const all = async (ctx: AppContext, ids: number[]) =>
  Promise.all(ids.map(async (id) => (await ctx.jobs.get(id)) as JobRow));

async function allDone(ctx: AppContext, ids: number[], bureau: string) {
  await until(async () => (await all(ctx, ids)).every((j) => j.status === "done"), 180_000, "every job done");
  const jobs = await all(ctx, ids);
  for (const j of jobs) {
    expect(truthful(j)).toBeNull();
    // Rendered in full once there was room: nothing is left lacking.
    const pages = (JSON.parse(j.outputs ?? "{}") as JobOutputs).pages ?? [];
    const log = async () => (await ctx.jobs.logLines(j.id)).map((l) => l.msg).join("\n");
    expect(
      pages.filter((p) => p.missing?.length),
      await log(),
    ).toEqual([]);
    expect(fs.existsSync(j.final_path as string)).toBe(true);
  }
  // Each original reached the bureau exactly once, nothing half-written beside it.
  const arrived = fs
    .readdirSync(bureau, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".pdf"));
  expect(arrived.length).toBe(ids.length);
  expect(
    fs
      .readdirSync(bureau, { recursive: true })
      .map(String)
      .filter((f) => /\.part|\.tmp/.test(f)),
  ).toEqual([]);
  return jobs;
}

describe.skipIf(!asRoot)("disk full with several jobs in the pipeline (tmpfs)", () => {
  let outside: string;
  let ctx: AppContext | undefined;
  beforeAll(() => {
    outside = tempDir("pdfupload-diskfull-pipe-");
  });
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
    unmountAll();
  });
  afterAll(async () => {
    await fsp.rm(outside, { recursive: true, force: true });
  });

  it("during a render: Ghostscript's rasters fill work/; jobs wait or end truthfully, then all finish", async () => {
    const data = path.join(outside, "render", "data");
    mountTmpfs(path.join(data, "work"), "256m");
    ctx = await tempContext(data, { PDFUPLOAD_DISK_WAIT_SEC: "0.5" });
    const shop = shopSettings(path.join(outside, "render"));
    await ctx.settingsRepo.save(shop);
    ctx.queue.work(2);
    const ids: number[] = [];
    for (let i = 0; i < JOBS; i++)
      ids.push((await dropSheet(ctx, path.join(outside, "render", "in"), SHEET)).id);

    // As soon as Ghostscript writes its first raster, the rest of the volume goes.
    const fillers = await fillDuringRender(ctx, ids, ctx.paths.work);
    await until(
      async () => (await all(ctx as AppContext, ids)).filter((j) => j.error_code === "disk-full").length >= 2,
      120_000,
      "jobs waiting for disk space",
    );
    // Watched for a while: every job is waiting or truthfully done, never failed, never done with holes.
    for (let t = 0; t < 20; t++) {
      for (const j of await all(ctx, ids)) expect(truthful(j)).toBeNull();
      await new Promise((r) => setTimeout(r, 150));
    }
    const report = await diskReport(ctx.paths, ctx.jobs, "sqlite");
    expect(report.full).toBe(true);
    expect(report.waiting).toBeGreaterThanOrEqual(1);
    expect(report.dirs.map((d) => d.role)).toContain("work");
    const waits = (await all(ctx, ids)).map((j) => j.error_message ?? "").filter((m) => /disk full/.test(m));
    expect(waits.length).toBeGreaterThanOrEqual(1);

    for (const f of fillers) await fsp.rm(f);
    await allDone(ctx, ids, path.join(outside, "render", "bureau"));
    expect((await diskReport(ctx.paths, ctx.jobs, "sqlite")).waiting).toBe(0);
  }, 300_000);

  it("during a journal write: SQLite's volume fills; lines are kept, jobs wait, then all finish and the journal is whole", async () => {
    const data = path.join(outside, "journal", "data");
    mountTmpfs(data, "256m");
    ctx = await tempContext(data, { PDFUPLOAD_DISK_WAIT_SEC: "0.5" });
    await ctx.settingsRepo.save(shopSettings(path.join(outside, "journal")));
    ctx.queue.work(2);
    const ids: number[] = [];
    for (let i = 0; i < JOBS; i++)
      ids.push((await dropSheet(ctx, path.join(outside, "journal", "in"), SHEET)).id);

    // Mid-render the whole volume (database, work, proofs) fills up.
    const fillers = await fillDuringRender(ctx, ids, data);
    // Whatever the jobs free is taken again until the journal cannot take a line: the lines are then
    // kept in memory, not dropped.
    for (
      const end = Date.now() + 60_000;
      ctx.jobs.logBacklog === 0;
      await new Promise((r) => setTimeout(r, 100))
    ) {
      if (Date.now() > end)
        throw new Error(`no line held back; jobs: ${JSON.stringify(await states(ctx, ids))}`);
      if ((await fsp.statfs(data)).bavail > 0) fillers.push(await fillUp(data));
      await ctx.jobs.log(ids[0], "info", "test: a line while the disk is full");
    }
    const report = await diskReport(ctx.paths, ctx.jobs, "sqlite");
    expect(report.full).toBe(true);
    expect(report.dirs.map((d) => d.role)).toContain("database");
    expect(report.journalBacklog).toBeGreaterThan(0);
    // Nothing was failed or marked done with holes in the meantime (what SQLite still shows).
    await new Promise((r) => setTimeout(r, 2000));
    for (const j of await all(ctx, ids)) expect(truthful(j)).toBeNull();

    for (const f of fillers) await fsp.rm(f);
    const jobs = await allDone(ctx, ids, path.join(outside, "journal", "bureau"));
    await until(() => (ctx as AppContext).jobs.logBacklog === 0, 60_000, "journal lines written");
    for (const j of jobs) {
      const lines = (await ctx.jobs.logLines(j.id)).map((l) => l.msg);
      // Every step's line is there, including those from while the disk was full.
      for (const step of ["analyse", "render", "archive"])
        expect(
          lines.some((l) => l.startsWith(`${step}:`)),
          `${step} in ${lines.join("\n")}`,
        ).toBe(true);
    }
    expect((await diskReport(ctx.paths, ctx.jobs, "sqlite")).full).toBe(false);
  }, 300_000);
});
