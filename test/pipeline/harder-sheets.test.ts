// The harder corpus (test/fixtures/harder.ts) end to end: every sheet is dropped into the hot folder of
// a running app (watcher, queue, render, archive, delivery to a folder target), and the journal, the
// year report and the delivered file names must show the same press, bureau and order name as
// `pdfupload analyze --json` prints for the same files from the command line.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Analysis } from "../../src/analysis/types.ts";
import type { AppContext } from "../../src/app/context.ts";
import { HotFolderWatcher } from "../../src/intake/hot-folder.ts";
import { jobPress } from "../../src/rules/fields.ts";
import { type JobRow, type JobView, jobView } from "../../src/store/jobs.repository.ts";
import { yearReport } from "../../src/web/routes/reports.routes.ts";
import { HARD_BUREAUS, HARD_PRESSES, hardSheets, writeHardCorpus } from "../fixtures/harder.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";
import { until } from "../helpers/wait.ts";

const outside = tempDir("pdfupload-harder-e2e-");
const ctp = path.join(outside, "ctp");
const pressDir = path.join(outside, "press");
const staging = path.join(outside, "staging");
let ctx: AppContext;
let watcher: HotFolderWatcher;
let cli: Analysis[];
let jobs: JobView[];
let rows: JobRow[];

/** The settings as a file for `analyze --config` and as the stored settings of the app: the same. */
const settings = {
  presses: HARD_PRESSES.map((p) => ({
    name: p.name,
    plateWidthMm: p.plateMm[0],
    plateHeightMm: p.plateMm[1],
    gripperMm: p.gripperMm,
    plateCost: p.plateCost,
    // The preview goes to the press the journal names, in its own folder.
    previewTarget: "press",
    previewFolder: "{press}",
    previewName: "{order}_{orderName}.pdf",
  })),
  // The delivered name carries what the journal must agree with: order, order name, press; the folder the bureau.
  bureaus: HARD_BUREAUS.map((name) => ({
    name,
    target: "ctp",
    folder: "{bureau}",
    fileName: "{order}_{orderName}_{press}.{ext}",
  })),
  targets: [
    { name: "ctp", url: `file://${ctp}` },
    { name: "press", url: `file://${pressDir}` },
  ],
};

beforeAll(async () => {
  fs.mkdirSync(ctp);
  fs.mkdirSync(pressDir);
  const corpus = await writeHardCorpus(staging);
  // What the command line says about each file, before the app moves them away.
  const config = path.join(outside, "settings.yaml");
  fs.writeFileSync(config, JSON.stringify(settings));
  const r = spawnSync(
    process.execPath,
    [path.resolve("bin/pdfupload.js"), "analyze", "--json", "--config", config, ...corpus.map((c) => c.path)],
    {
      env: { ...process.env, PDFUPLOAD_DATA: path.join(outside, "cli-data") },
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  expect(r.status, r.stderr).toBe(0);
  cli = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(cli).toHaveLength(corpus.length);

  ctx = await tempContext(path.join(outside, "data"));
  await ctx.settingsRepo.save(settings);
  ctx.queue.work(2);
  watcher = new HotFolderWatcher(ctx, {
    folders: [{ path: "input", abs: ctx.paths.input, importMode: false, polling: false }],
    stableMs: 300,
    rescanMs: 1000,
  });
  await watcher.start();
  // Whole files appear at once (a rename), names as the clients wrote them (NFD bytes kept).
  for (const c of corpus) await fsp.rename(c.path, path.join(ctx.paths.input, c.fileName));
  await until(
    async () => {
      const { rows } = await ctx.jobs.list({});
      return rows.length === corpus.length && rows.every((j) => j.status === "done" || j.status === "failed");
    },
    240_000,
    "every sheet finished",
  );
  rows = (await ctx.jobs.list({})).rows;
  // Deliveries run after the job is done; wait for them to settle (the test below says which did not).
  await until(
    async () => {
      const all = [...(await ctx.jobs.deliveriesFor(rows.map((j) => j.id))).values()].flat();
      return all.length >= rows.length && all.every((d) => d.state !== "pending");
    },
    60_000,
    "every delivery settled",
  ).catch(() => {});
  const after = await ctx.jobs.deliveriesFor(rows.map((j) => j.id));
  jobs = rows.map((j) => jobView(j, after.get(j.id) ?? []));
}, 400_000);

afterAll(async () => {
  await watcher?.stop();
  await ctx?.close();
  await fsp.rm(outside, { recursive: true, force: true });
});

describe("harder sheets through the hot folder", () => {
  it("the command line reads what the corpus says", () => {
    const want = hardSheets();
    expect(cli.map((a) => a.file)).toEqual(want.map((s) => s.fileName));
    cli.forEach((a, i) => {
      expect(a).toMatchObject({
        error: null,
        bureau: want[i].expect.bureau,
        orderName: want[i].expect.orderName,
      });
      expect(a.sheets.map((s) => s.press)).toEqual(want[i].expect.sheets.map((s) => s.press));
    });
  });

  it("journal: every job done with the press, bureau, order and order name of analyze --json", () => {
    for (const a of cli) {
      const job = jobs.find((j) => j.file === a.file);
      expect(job, a.file).toBeDefined();
      const j = job as JobView;
      expect(j.status).toBe("done");
      expect({ press: j.press, bureau: j.bureau, order: j.order, plates: j.plates }).toEqual({
        press: jobPress(a),
        bureau: a.bureau,
        order: a.order,
        plates: a.plates,
      });
      const stored = j.analysis as Analysis;
      expect({ orderName: stored.orderName, bureauBy: stored.bureauBy }).toEqual({
        orderName: a.orderName,
        bureauBy: a.bureauBy,
      });
      expect(stored.sheets.map((s) => [s.press, s.paperMm, s.paperRectMm])).toEqual(
        a.sheets.map((s) => [s.press, s.paperMm, s.paperRectMm]),
      );
      expect(
        stored.warnings.filter((w) => !w.text.startsWith("render") && !w.text.startsWith("preview")),
      ).toEqual(a.warnings);
    }
  });

  it("delivery: each original in its bureau's folder under order, order name and press; the preview at that press", () => {
    for (const a of cli) {
      const j = jobs.find((x) => x.file === a.file) as JobView;
      const press = jobPress(a);
      const name = `${a.order}_${a.orderName}_${press ?? ""}.${a.file.split(".").pop()}`;
      const seen = Object.fromEntries(j.deliveries.map((d) => [d.kind, [d.state, d.remotePath]]));
      expect(seen.bureau, a.file).toEqual(["sent", `${a.bureau}/${name}`]);
      const delivered = path.join(ctp, a.bureau as string, name);
      const archived = rows.find((r) => r.id === j.id)?.final_path as string;
      expect(fs.readFileSync(delivered).equals(fs.readFileSync(archived))).toBe(true);
      // A sheet whose mark names an unconfigured press has no press to send a preview to.
      if (press) expect(seen.press, a.file).toEqual(["sent", `${press}/${a.order}_${a.orderName}.pdf`]);
      else expect(seen.press?.[0] ?? "skipped", a.file).toBe("skipped");
    }
    // Nothing else reached the bureau folders.
    const files = fs.readdirSync(ctp, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(files).toHaveLength(cli.length);
  });

  it("reports: plates and money per press as analyze --json counts them", async () => {
    const year = Number(jobs[0].fileDate.slice(0, 4));
    const report = await yearReport(ctx, year);
    const want = new Map<string, number>();
    let money = 0;
    for (const a of cli) {
      const press = jobPress(a) ?? "—";
      want.set(press, (want.get(press) ?? 0) + a.plates);
      money += a.plates * (HARD_PRESSES.find((p) => p.name === press)?.plateCost ?? 0);
    }
    const got = new Map(report.presses.map((p) => [p.press, p.plates.reduce((s, n) => s + n, 0)]));
    expect(got).toEqual(want);
    expect(report.totals.money).toBeCloseTo(money, 2);
  });
});
