// Issue 16's rule under mutation: bytes of real sheets are changed (fixed seed, bounded count), and for
// each mutated file Ghostscript — the bureau's RIP — decides. A file whose every page Ghostscript
// draws page by page to the last (it may mend the xref or the trailer, as a RIP does), and that ends as a
// whole file does (%%EOF at its end), must be analysed, through MuPDF or a repaired copy; every other
// file must be analysed or refused with a specific code and a message. A file past a limit (a form that
// draws itself, a bomb) stays refused as too-complex/too-large, as issue 16 keeps it. An exception out of the analysis
// (the job's `internal`) is never acceptable.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisErrorCode } from "../../src/analysis/types.ts";
import { analyzeIsolated } from "../../src/isolation/isolated.ts";
import { PdfPool } from "../../src/isolation/pdf-pool.ts";
import { buildCorpus, testSettings } from "../fixtures/signa.ts";
import { tempDir } from "../helpers/temp-app.ts";
import { applyMutation, mutationArb } from "../hostile/mutate.ts";
import { hasGhostscript } from "./poppler.ts";

const CASES = Number(process.env.REPAIR_FUZZ_CASES ?? 30);
const SEED = Number(process.env.REPAIR_FUZZ_SEED ?? 16_016);
const LIMITS = { timeLimitMs: 20_000, memoryLimitMb: 1024 };
const CODES: AnalysisErrorCode[] = [
  "empty",
  "not-pdf",
  "damaged",
  "encrypted",
  "too-large",
  "too-complex",
  "reader-crash",
];
const settings = testSettings();
const dir = tempDir("pdfupload-repair-fuzz-");
let pool: PdfPool;
let bases: Uint8Array[];

/**
 * Ghostscript's reading of a file, as the bureau's RIP: the pages it drew when it drew every page it
 * announced with no error on any of them (mending the xref or the trailer, as a RIP does, is allowed),
 * else null; and what it mended, from its summary (which `-q` would hide).
 */
function ghostscript(file: string): Promise<{ pages: number | null; mended: string | null }> {
  return new Promise((resolve) => {
    const child = spawn("gs", ["-dSAFER", "-dBATCH", "-dNOPAUSE", "-r72", "-sDEVICE=nullpage", file], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const keep = (d: Buffer) => {
      if (out.length < 256 * 1024) out += d.toString("latin1");
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      const announced = Number(/Processing pages 1 through (\d+)\./.exec(out)?.[1] ?? 0);
      const drawn = (out.match(/^Page \d+$/gm) ?? []).length;
      const whole = code === 0 && announced > 0 && drawn === announced && !/\*{4} Error/.test(out);
      const mended = /errors were encountered at least once[\s\S]*?(?=\n\s*\n|$)/.exec(out)?.[0] ?? null;
      resolve({ pages: whole ? drawn : null, mended: mended?.replace(/\s+/g, " ") ?? null });
    });
  });
}

const endsWhole = (bytes: Uint8Array) => Buffer.from(bytes.slice(-1024)).includes("%%EOF");

beforeAll(async () => {
  pool = new PdfPool({ size: 2 });
  const corpus = await buildCorpus(path.join(dir, "corpus"));
  bases = (["default", "tes", "rotated", "trimBox", "objectStreams", "planeta"] as const).map(
    (k) => new Uint8Array(fs.readFileSync(corpus[k])),
  );
});
afterAll(async () => {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.runIf(hasGhostscript)("mutated sheets: what Ghostscript renders is analysed", () => {
  it(`${CASES} mutated sheets: rendered by Ghostscript → analysed; else a specific code`, async () => {
    const samples = fc.sample(fc.tuple(fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 2 })), {
      numRuns: CASES,
      seed: SEED,
    });
    const tally = { analysed: 0, refused: 0, rendered: 0, limits: 0 };
    const problems: string[] = [];
    /** Refused files Ghostscript could not draw whole either (or that are cut short), for the record. */
    const refusedMended: string[] = [];
    for (const [i, [base, muts]] of samples.entries()) {
      let bytes = bases[base % bases.length];
      for (const m of muts) bytes = applyMutation(bytes, m);
      const file = path.join(dir, `${String(i).padStart(3, "0")}_fuzz_Leonov.pdf`);
      fs.writeFileSync(file, bytes);
      const [gs, analysed] = await Promise.allSettled([
        ghostscript(file),
        analyzeIsolated(file, {
          settings,
          pool,
          limits: LIMITS,
          repairDir: path.join(dir, "work", String(i)),
        }),
      ]);
      const g = gs.status === "fulfilled" ? gs.value : { pages: null, mended: "did not run" };
      // What the RIP prints: every page, and the file whole (a file cut short is an unfinished copy).
      const printable = g.pages !== null && endsWhole(bytes);
      if (printable) tally.rendered++;
      const what = `case ${i} (${JSON.stringify(muts).slice(0, 160)})`;
      if (analysed.status === "rejected") {
        problems.push(`${what}: threw ${(analysed.reason as Error).message}`);
        continue;
      }
      const a = analysed.value;
      if (a.error) {
        tally.refused++;
        if (!CODES.includes(a.error.code) || !a.error.message)
          problems.push(`${what}: unspecific refusal ${JSON.stringify(a.error)}`);
        // Past a limit (a cycle, a bomb) stays refused whatever a RIP makes of it (issue 16).
        const limit = a.error.code === "too-complex" || a.error.code === "too-large";
        if (limit) tally.limits++;
        if (printable && !limit)
          problems.push(
            `${what}: Ghostscript renders ${g.pages} page(s), refused ${a.error.code}: ${a.error.message}`,
          );
        else if (g.mended)
          refusedMended.push(`${what}: ${a.error.code}; Ghostscript: ${g.mended.slice(0, 160)}`);
      } else {
        tally.analysed++;
        if (a.sheets.length !== a.pages || a.pages < 1) problems.push(`${what}: ${a.pages} pages`);
      }
      fs.rmSync(file, { force: true });
    }
    console.info(`repair fuzz: ${JSON.stringify(tally)} of ${CASES}`, refusedMended);
    expect(problems).toEqual([]);
    // The pass means something only when both kinds occur.
    expect(tally.rendered).toBeGreaterThan(CASES / 4);
    expect(tally.refused).toBeGreaterThan(0);
  }, 400_000);
});
