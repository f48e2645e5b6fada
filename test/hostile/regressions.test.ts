// Inputs that once broke a reader (found by the fuzzer or by hand), kept small under
// test/fixtures/regressions/: each must end with a result or a coded error, in process and in the pool.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeFile } from "../../src/analysis/analyze.ts";
import { analyzeIsolated } from "../../src/isolation/isolated.ts";
import { PdfPool } from "../../src/isolation/pdf-pool.ts";
import { deepNesting, hugeNumbers, parentCycle, selfXObject, writeFixture } from "../fixtures/hostile.ts";
import { testSettings } from "../fixtures/signa.ts";
import { tempDir } from "../helpers/temp-app.ts";

const DIR = fileURLToPath(new URL("../fixtures/regressions/", import.meta.url));
const CODES = ["empty", "not-pdf", "damaged", "encrypted", "too-large", "too-complex", "reader-crash"];

/** Why each committed input is kept (file name → what it broke and the expected code). */
const KNOWN: Record<string, { broke: string; code: string | null }> = {
  "trylater-string-throw.pdf": {
    broke: "MuPDF threw the string TRYLATER; inspect called close() on it",
    code: "damaged",
  },
  "trylater-string-throw-2.pdf": { broke: "same, other mutation", code: "damaged" },
};

describe("regression inputs", () => {
  const pool = new PdfPool({ size: 1 });
  const settings = testSettings();
  const scratch = tempDir("pdfupload-regress-");
  afterAll(async () => {
    await pool.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const files = fs.readdirSync(DIR).filter((f) => /\.pdf$/i.test(f));

  it("every committed input is small and listed with its reason", () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(fs.statSync(path.join(DIR, f)).size, f).toBeLessThan(64 * 1024);
      expect(KNOWN[f], `${f} is not listed in KNOWN`).toBeDefined();
    }
  });

  it.each(files)("%s ends with its expected coded result", async (f) => {
    const file = path.join(DIR, f);
    const inProcess = await analyzeFile(file, { settings });
    const isolated = await analyzeIsolated(file, { settings, pool });
    expect(isolated).toEqual(inProcess);
    expect(inProcess.error?.code ?? null).toBe(KNOWN[f]?.code);
  });

  it.each([
    ["a page tree that contains itself", parentCycle(), "damaged"],
    ["numbers past every numeric range", hugeNumbers(), "damaged"],
    ["a form XObject that draws itself", selfXObject(), "too-complex"],
    ["arrays nested 100000 deep", deepNesting(), null],
  ] as const)("%s is read or refused with a code", async (_what, bytes, code) => {
    const file = writeFixture(scratch, "hostile.pdf", bytes);
    const a = await analyzeIsolated(file, { settings, pool });
    expect(a.error?.code ?? null).toBe(code);
    if (a.error) expect(CODES).toContain(a.error.code);
    else expect(a.sheets).toHaveLength(a.pages);
  });
});
