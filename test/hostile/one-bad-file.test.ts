// One bad file never harms the next. Self-reaching patterns, forms, Type 3 glyphs, soft masks,
// shading functions and deep chains (test/fixtures/recursive.ts) interleaved with good Signa sheets:
// - in a PDF pool of the production size with the recursion walk switched off, so that the files
//   really corrupt MuPDF's heap: the pool must replace each poisoned child before the next sheet;
// - through `pdfupload analyze --json --inks` as shipped, where the walk refuses or skips them;
// - through the hot folder's pipeline: every good sheet reaches the bureau.
// Every good sheet's analysis and inks must equal a clean run's.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Analysis } from "../../src/analysis/types.ts";
import type { AppContext } from "../../src/app/context.ts";
import { acceptFile } from "../../src/intake/accept-file.ts";
import { analyzeIsolated } from "../../src/isolation/isolated.ts";
import { PdfPool } from "../../src/isolation/pdf-pool.ts";
import { measureInks } from "../../src/pipeline/steps/render/index.ts";
import type { JobRow } from "../../src/store/jobs.repository.ts";
import { noteTexts } from "../../src/util/note.ts";
import { shopSettings } from "../faults/harness.ts";
import { RECURSIVE_KINDS, type RecursiveCase, recursiveCase, seeded } from "../fixtures/recursive.ts";
import { buildSheet, testSettings, threeMarks } from "../fixtures/signa.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";
import { until } from "../helpers/wait.ts";

const CODES = ["empty", "not-pdf", "damaged", "encrypted", "too-large", "too-complex", "reader-crash"];
const LIMITS = { timeLimitMs: 30_000, memoryLimitMb: 1024 };
const settings = testSettings();
const WORKERS = settings.analysis.workers; // the production pool size

const dir = tempDir("pdfupload-one-bad-file-");
const good: string[] = [];
const hostile: { file: string; c: RecursiveCase }[] = [];

beforeAll(async () => {
  for (let i = 0; i < 12; i++) {
    const bytes = await buildSheet({
      pages: 1 + (i % 3),
      marks: threeMarks({ bureau: "Leonov" }),
      artworkText: `good sheet ${i}`,
      ...(i % 4 === 3 ? { colorants: ["Cyan", "Black", "PANTONE 286 C"] } : {}),
    });
    const file = path.join(dir, `${String(3000 + i)}_Good ${i}_Leonov.pdf`);
    fs.writeFileSync(file, bytes);
    good.push(file);
  }
  const rnd = seeded(1717);
  for (let k = 0; k < 2; k++)
    for (const kind of RECURSIVE_KINDS) {
      const c = recursiveCase(kind, rnd);
      const file = path.join(dir, `${String(4000 + hostile.length)}_${kind}_Leonov.pdf`);
      fs.writeFileSync(file, c.bytes);
      hostile.push({ file, c });
    }
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** good, hostile, hostile, good, hostile, … : each good sheet right after a hostile file. */
function interleaved(): string[] {
  const out: string[] = [];
  let h = 0;
  for (const g of good) {
    for (let k = 0; k < 2 && h < hostile.length; k++) out.push(hostile[h++].file);
    out.push(g);
  }
  while (h < hostile.length) out.push(hostile[h++].file);
  return out;
}

async function analyseWithInks(file: string, pool: PdfPool): Promise<Analysis> {
  const a = await analyzeIsolated(file, { settings, pool, limits: LIMITS });
  return a.error ? a : measureInks(file, a, settings.render);
}

/** Runs `files` through `lanes` parallel lanes (as the batch and the workers do). */
async function inLanes<T>(files: string[], lanes: number, fn: (f: string) => Promise<T>) {
  const out = new Map<string, T>();
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < files.length) {
        const f = files[next++];
        out.set(f, await fn(f));
      }
    }),
  );
  return out;
}

let clean: Map<string, Analysis>;

describe("one bad file never harms the next", () => {
  beforeAll(async () => {
    const pool = new PdfPool({ size: WORKERS });
    try {
      clean = await inLanes(good, WORKERS, (f) => analyseWithInks(f, pool));
    } finally {
      await pool.close();
    }
    for (const a of clean.values()) {
      expect(a.error).toBeNull();
      expect(a.sheets.every((s) => s.inks && Object.keys(s.inks).length > 0)).toBe(true);
    }
  }, 180_000);

  it("a pool whose children the files poison replaces each before the next sheet", async () => {
    // Without the walk the hostile files reach MuPDF; children are never recycled for age here.
    const pool = new PdfPool({
      size: WORKERS,
      selfTest: true,
      withoutRecursionGuard: true,
      maxTasksPerChild: Number.POSITIVE_INFINITY,
    });
    try {
      const got = await inLanes(interleaved(), WORKERS, (f) => analyseWithInks(f, pool));
      for (const g of good) expect(got.get(g), path.basename(g)).toEqual(clean.get(g));
      for (const { file } of hostile) {
        const a = got.get(file) as Analysis;
        if (a.error) expect(CODES, path.basename(file)).toContain(a.error.code);
      }
      // The files did poison children (else this test proves nothing), and each was replaced.
      expect(pool.poisonedChildren).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  }, 300_000);

  it("through `pdfupload analyze --json --inks`, every hostile file ends with its code or warning", () => {
    const files = interleaved();
    const r = spawnSync(
      process.execPath,
      [path.resolve("bin/pdfupload.js"), "analyze", ...files, "--json", "--inks", "--config", configFile()],
      { env: { ...process.env, PDFUPLOAD_DATA: path.join(dir, "data") }, encoding: "utf8", timeout: 240_000 },
    );
    expect(r.status, r.stderr).toBe(2); // some were refused
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Analysis);
    expect(lines).toHaveLength(files.length);
    const byFile = new Map(lines.map((a, i) => [files[i], a]));
    for (const g of good) expect(byFile.get(g), path.basename(g)).toEqual(clean.get(g));
    for (const { file, c } of hostile) {
      const a = byFile.get(file) as Analysis;
      const name = path.basename(file);
      if (c.expect === "refused") {
        expect(a.error?.code, name).toBe("too-complex");
        expect(a.error?.message, name).toMatch(/^On page 1, .+ draws itself/);
      } else {
        expect(a.error, name).toBeNull();
        expect(
          noteTexts(a.warnings).some((w) => /nested more than 24 deep/.test(w)),
          name,
        ).toBe(c.expect === "warned");
      }
    }
  }, 300_000);
});

/** The CLI's settings: what testSettings() holds, as YAML. */
function configFile(): string {
  const file = path.join(dir, "settings.yaml");
  fs.writeFileSync(file, JSON.stringify(settings)); // YAML is a superset of JSON
  return file;
}

describe("through the hot folder", () => {
  let ctx: AppContext;
  let outside: string;
  const jobs = new Map<string, number>();

  beforeAll(async () => {
    outside = tempDir("pdfupload-one-bad-file-pipeline-");
    ctx = await tempContext(path.join(outside, "data"));
    await ctx.settingsRepo.save({ ...shopSettings(outside), analysis: { workers: WORKERS } });
    const drop = path.join(outside, "drop");
    fs.mkdirSync(drop);
    for (const f of interleaved()) {
      const copy = path.join(drop, path.basename(f));
      fs.copyFileSync(f, copy);
      const r = await acceptFile(ctx, { file: copy, source: "test", move: true });
      jobs.set(f, r.job.id);
    }
    ctx.queue.work(WORKERS);
    await until(
      async () => {
        for (const id of jobs.values()) {
          const s = (await ctx.jobs.get(id))?.status;
          if (s !== "done" && s !== "failed") return false;
        }
        return true;
      },
      280_000,
      "all jobs finished",
    );
  }, 300_000);
  afterAll(async () => {
    await ctx?.close();
    fs.rmSync(outside, { recursive: true, force: true });
  });

  const row = async (f: string) => (await ctx.jobs.get(jobs.get(f) as number)) as JobRow;

  it("every good sheet reaches the bureau with the clean run's figures and inks", async () => {
    for (const g of good) {
      const j = await row(g);
      const name = path.basename(g);
      expect(j.status, `${name}: ${j.error_message}`).toBe("done");
      const a = JSON.parse(j.analysis as string) as Analysis;
      const want = clean.get(g) as Analysis;
      expect(a.plates, name).toBe(want.plates);
      expect(a.sheets, name).toEqual(want.sheets);
      const sent = (await ctx.jobs.deliveries(j.id)).filter((d) => d.target === "bureau");
      expect(
        sent.map((d) => d.state),
        name,
      ).toEqual(["sent"]);
    }
    expect(fs.readdirSync(path.join(outside, "bureau")).filter((f) => f.includes("_Good "))).toHaveLength(
      good.length,
    );
  });

  it("every hostile file that draws itself fails its own job with too-complex, kept in quarantine", async () => {
    for (const { file, c } of hostile) {
      if (c.expect !== "refused") continue;
      const j = await row(file);
      expect(j.status, path.basename(file)).toBe("failed");
      expect(j.error_code).toBe("too-complex");
      expect(j.final_path?.startsWith(ctx.paths.quarantine)).toBe(true);
      expect(fs.existsSync(j.final_path as string)).toBe(true);
    }
  });
});
