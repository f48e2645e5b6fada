// Fuzzing: thousands of mutated Signa sheets and hostile PDFs through the analysis engine (in the PDF
// pool, as the pipeline runs it), the MuPDF crop and — for a sample — the whole renderer. Every case
// must end with a result or a coded error: no crash of the reader, no run into the time limit, no
// leaked temp file or descriptor. A failing case is shrunk by fast-check and saved (see FINDINGS) to be
// kept under test/fixtures/regressions/. FUZZ_RUNS scales the run (default 1500 per lane, 2 lanes).
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Analysis } from "../../src/analysis/types.ts";
import { CropLimitError, cropIsolated } from "../../src/isolation/isolated.ts";
import { IsolationError, PdfPool } from "../../src/isolation/pdf-pool.ts";
import { RenderError, renderSheets } from "../../src/pipeline/steps/render/index.ts";
import { hugeNumbers, parentCycle, selfXObject } from "../fixtures/hostile.ts";
import { buildCorpus, testSettings } from "../fixtures/signa.ts";
import { tempDir } from "../helpers/temp-app.ts";
import { applyMutation, type Mutation, mutationArb } from "./mutate.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const SEED = Number(process.env.FUZZ_SEED ?? 90_000);
const FINDINGS = path.join(os.tmpdir(), "pdfupload-fuzz-findings");
const CODES = new Set([
  "empty",
  "not-pdf",
  "damaged",
  "encrypted",
  "too-large",
  "too-complex",
  "reader-crash",
]);
const LIMITS = { timeLimitMs: 20_000, memoryLimitMb: 1024 };

const caseArb = fc.tuple(fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 3 }));

/** What is wrong with an analysis result, or null when it keeps the contract. */
function contractProblem(a: Analysis): string | null {
  if (!a || typeof a !== "object") return "no analysis object";
  if (a.error) {
    if (!CODES.has(a.error.code)) return `unknown error code ${a.error.code}`;
    if (!a.error.message) return "error without a message";
    return null;
  }
  if (!(a.pages >= 1) || a.sheets.length !== a.pages) return `pages ${a.pages} but ${a.sheets.length} sheets`;
  for (const s of a.sheets) {
    if (!s.plateMm.every(Number.isFinite)) return `page ${s.page}: plate size ${s.plateMm}`;
    if (s.paperMm && !s.paperMm.every(Number.isFinite)) return `page ${s.page}: paper size ${s.paperMm}`;
  }
  if (!Number.isFinite(a.plates)) return `plates ${a.plates}`;
  return null;
}

function save(bytes: Uint8Array, why: string): string {
  fs.mkdirSync(FINDINGS, { recursive: true });
  const name = `${crypto.createHash("sha256").update(bytes).digest("hex").slice(0, 16)}.pdf`;
  fs.writeFileSync(path.join(FINDINGS, name), bytes);
  fs.writeFileSync(path.join(FINDINGS, `${name}.txt`), `${why}\n`);
  return path.join(FINDINGS, name);
}

const openFds = (pid: number) => {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
};

describe("fuzzing the PDF readers", () => {
  let dir: string;
  let pool: PdfPool;
  let bases: Uint8Array[];
  const settings = testSettings();
  /** Children that crashed on a case that then read fine in a fresh child (MuPDF heap damage). */
  const crashes: string[] = [];

  beforeAll(async () => {
    dir = tempDir("pdfupload-fuzz-");
    // Children are not recycled here, so that damage one case leaves behind shows up as a crash.
    pool = new PdfPool({ size: 2, maxTasksPerChild: Number.POSITIVE_INFINITY });
    const corpus = await buildCorpus(path.join(dir, "corpus"));
    const pick = [
      "default",
      "tes",
      "rotated",
      "trimBox",
      "objectStreams",
      "ownerPassword",
      "plain",
      "planeta",
      "noMarks",
    ] as const;
    bases = [
      ...pick.map((k) => new Uint8Array(fs.readFileSync(corpus[k]))),
      parentCycle(),
      selfXObject(),
      hugeNumbers(),
    ];
  });
  afterAll(async () => {
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function analyseCase(lane: number, base: number, muts: Mutation[]): Promise<string | null> {
    let bytes = bases[base % bases.length];
    for (const m of muts) bytes = applyMutation(bytes, m);
    const file = path.join(dir, `lane${lane}`, "0537_fuzz_Leonov.pdf");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
    const analyse = () => pool.run<Analysis>({ kind: "analyze", path: file, options: { settings } }, LIMITS);
    try {
      let a: Analysis;
      try {
        a = await analyse();
      } catch (e) {
        if (!(e instanceof IsolationError && e.code === "crashed")) throw e;
        // As the pipeline does (isolated.ts): once more in a fresh child. Kept for study either way.
        crashes.push(save(bytes, `crashed once: ${e.message}`));
        a = await analyse();
      }
      const problem = contractProblem(a);
      return problem ? `${problem} — ${save(bytes, problem)}` : null;
    } catch (e) {
      // The pool turns these into coded errors for the job, but for the fuzzer each is a finding.
      const why = e instanceof IsolationError ? `${e.code}: ${e.message}` : `threw: ${(e as Error).message}`;
      return `${why} — ${save(bytes, why)}`;
    }
  }

  it(
    `analyses ${2 * RUNS} mutated files with a result or a coded error each`,
    async () => {
      const lane = (n: number) =>
        fc.check(
          fc.asyncProperty(caseArb, async ([base, muts]) => {
            const problem = await analyseCase(n, base, muts);
            if (problem) throw new Error(problem);
          }),
          { numRuns: RUNS, seed: SEED + n, endOnFailure: false, maxSkipsPerRun: 0 },
        );
      const fdsBefore = pool.pids().map(openFds);
      const results = await Promise.all([lane(1), lane(2)]);
      for (const r of results) {
        if (r.failed)
          throw new Error(
            `fuzz case failed (seed ${r.seed}, path ${r.counterexamplePath}): ${String(r.errorInstance)}`,
          );
        expect(r.numRuns).toBe(RUNS);
      }
      // The same children read every case (none was killed but for crashes that did not repeat) and
      // hold no more descriptors than before.
      if (crashes.length)
        console.warn(
          `fuzz: ${crashes.length} child crash(es) that did not repeat in a fresh child:`,
          crashes,
        );
      expect(crashes.length).toBeLessThanOrEqual(Math.ceil(RUNS / 1000));
      const fdsAfter = pool.pids().map(openFds);
      expect(pool.spawned).toBe(2 + crashes.length);
      for (const [i, n] of fdsAfter.entries()) expect(n).toBeLessThanOrEqual((fdsBefore[i] || n) + 2);
    },
    Math.max(120_000, RUNS * 100),
  );

  it("crops 400 mutated files with a result or a coded error each, leaving no partial output", async () => {
    const out = path.join(dir, "crop");
    fs.mkdirSync(out, { recursive: true });
    const r = await fc.check(
      fc.asyncProperty(
        caseArb,
        fc.array(fc.tuple(fc.integer({ min: -1e4, max: 1e5 }), fc.integer({ min: -1e4, max: 1e5 })), {
          maxLength: 2,
        }),
        async ([base, muts], corners) => {
          let bytes = bases[base % bases.length];
          for (const m of muts) bytes = applyMutation(bytes, m);
          const src = path.join(out, "src.pdf");
          const dest = path.join(out, "cropped.pdf");
          fs.writeFileSync(src, bytes);
          fs.rmSync(dest, { force: true });
          const rect =
            corners.length === 2
              ? ([corners[0][0], corners[0][1], corners[1][0], corners[1][1]] as [
                  number,
                  number,
                  number,
                  number,
                ])
              : null;
          try {
            const c = await cropIsolated(src, dest, [rect, null], { pool, limits: LIMITS });
            if (!c.boxes.every((b) => b.every(Number.isFinite)))
              throw new Error(`non-finite crop box ${JSON.stringify(c.boxes)}`);
          } catch (e) {
            if (e instanceof RenderError || e instanceof CropLimitError) return;
            throw new Error(`${(e as Error).message} — ${save(bytes, String(e))}`);
          }
        },
      ),
      { numRuns: 400, seed: 91_000 },
    );
    if (r.failed) throw new Error(`crop fuzz case failed (seed ${r.seed}): ${String(r.errorInstance)}`);
  });

  it("renders 24 mutated sheets end to end: a result or a coded error, temp files always removed", async () => {
    const tmp = path.join(dir, "render-tmp");
    fs.mkdirSync(tmp, { recursive: true });
    const render = { ...settings.render, timeoutSec: 30, proofPx: 400, concurrency: 2 };
    const samples = fc.sample(caseArb, { numRuns: 24, seed: 92_000 });
    for (const [i, [base, muts]] of samples.entries()) {
      let bytes = bases[base % bases.length];
      for (const m of muts) bytes = applyMutation(bytes, m);
      const file = path.join(dir, "render.pdf");
      fs.writeFileSync(file, bytes);
      const a = await pool.run<Analysis>({ kind: "analyze", path: file, options: { settings } }, LIMITS);
      if (a.error) continue; // the pipeline never renders a refused file
      const outDir = path.join(dir, `out${i}`);
      try {
        const r = await renderSheets({
          pdfPath: file,
          analysis: a,
          settings: render,
          outDir,
          tmpDir: tmp,
          crop: (s, d, rects) => cropIsolated(s, d, rects, { pool, limits: LIMITS }),
        });
        expect(r.pages.length).toBe(a.pages);
      } catch (e) {
        if (!(e instanceof RenderError || e instanceof CropLimitError))
          throw new Error(`${String(e)} — ${save(bytes, String(e))}`);
      }
      expect(fs.readdirSync(tmp)).toEqual([]);
      fs.rmSync(outDir, { recursive: true, force: true });
    }
    // (os.tmpdir() itself is shared with other test files running at the same time, so the renderer
    // was given its own temp root above, which must be empty after every case.)
  });
});
