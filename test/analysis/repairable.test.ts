// A file that a RIP would print is never refused. Ghostscript stands in for the bureau's RIP: every
// file here is rendered by it to the last page, and the analysis must read it (with a warning saying
// what was mended, by page); when MuPDF.js itself fails, a copy qpdf or Ghostscript rewrote is read
// instead and the original stays untouched. Files cut short, needing an open password, not PDFs or
// that lost objects are still refused, and no rewrite is tried for them.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeIsolated } from "../../src/isolation/isolated.ts";
import { PdfPool } from "../../src/isolation/pdf-pool.ts";
import { readerStats } from "../../src/isolation/reader-stats.ts";
import { noteTexts } from "../../src/util/note.ts";
import { recursiveCase, seeded } from "../fixtures/recursive.ts";
import {
  contentSyntaxErrors,
  manySpotsDeviceN,
  unterminatedTrailer,
  viaGhostscript,
  viaMutool,
  viaQpdf,
  wrongRoot,
} from "../fixtures/repairable.ts";
import {
  breakXref,
  breakXrefAndPage,
  buildCorpus,
  buildSheet,
  resave,
  testSettings,
  threeMarks,
} from "../fixtures/signa.ts";
import { tempDir } from "../helpers/temp-app.ts";

const LIMITS = { timeLimitMs: 60_000, memoryLimitMb: 1024 };
const settings = testSettings();
const dir = tempDir("pdfupload-repairable-");
let pool: PdfPool;

/** Pages Ghostscript renders without an error, or null when it gives up on the file. */
function ghostscriptPages(file: string): number | null {
  const r = spawnSync("gs", ["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=bbox", file], {
    encoding: "utf8",
    timeout: 60_000,
  });
  if (r.status !== 0 || /\*\*\*\* Error|Unrecoverable/i.test(`${r.stdout}${r.stderr}`)) return null;
  return (r.stderr.match(/^%%BoundingBox:/gm) ?? []).length;
}

const write = (name: string, bytes: Uint8Array) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
};
const sha = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

beforeAll(() => {
  pool = new PdfPool({ size: 2 });
});
afterAll(async () => {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("files a RIP prints are analysed", () => {
  it("a many-spot DeviceN document with xref streams, from pdf-lib, qpdf, Ghostscript, MuPDF (and mutool)", async () => {
    const made = write("0100_LuaTeX spots.pdf", await manySpotsDeviceN(12, 10));
    const files = [
      made,
      viaQpdf(made, path.join(dir, "0101_LuaTeX spots qpdf.pdf")),
      viaGhostscript(made, path.join(dir, "0102_LuaTeX spots gs.pdf")), // Ghostscript 10.0 writes a classic xref
      // MuPDF's own writer with object streams (what mutool clean -gggg -O does), then mutool if installed.
      write("0103_LuaTeX spots mupdf.pdf", resave(new Uint8Array(fs.readFileSync(made)))),
      ...(viaMutool(made, path.join(dir, "0104_LuaTeX spots mutool.pdf")) ?? []),
    ];
    for (const file of [files[0], files[1], files[3]])
      expect(fs.readFileSync(file).includes("/XRef"), `${file} has an xref stream`).toBe(true);
    for (const file of files) {
      expect(ghostscriptPages(file)).toBe(12);
      const a = await analyzeIsolated(file, { settings, pool, limits: LIMITS });
      expect(a.error, path.basename(file)).toBeNull();
      expect(a.pages).toBe(12);
      expect(a.sheets).toHaveLength(12);
    }
  });

  it("a PDF 1.2 with a PostScript XObject and syntax errors in some content streams", async () => {
    const file = write("0200_Old typesetter.pdf", contentSyntaxErrors(40, 7));
    expect(ghostscriptPages(file)).toBe(40);
    const a = await analyzeIsolated(file, { settings, pool, limits: LIMITS });
    expect(a.error).toBeNull();
    expect(a.pages).toBe(40);
  });

  it("the same with a broken xref: the pages MuPDF mended are named in warnings, none refused", async () => {
    const file = write("0201_Old typesetter xref.pdf", breakXref(contentSyntaxErrors(40, 7)));
    expect(ghostscriptPages(file)).toBe(40);
    const a = await analyzeIsolated(file, { settings, pool, limits: LIMITS });
    expect(a.error).toBeNull();
    expect(a.pages).toBe(40);
    const repaired = noteTexts(a.warnings).filter((w) => /^Page \d+ was repaired: .*syntax error/.test(w));
    expect(repaired.map((w) => Number(/^Page (\d+)/.exec(w)?.[1]))).toEqual([7, 14, 21, 28, 35]);
    expect(noteTexts(a.warnings).join("\n")).toMatch(/cross-reference table was broken and has been rebuilt/);
  });

  it("a Signa sheet whose trailer dictionary is never closed, with its figures", async () => {
    const sheet = await buildSheet({ pages: 3, marks: threeMarks({ bureau: "Leonov" }) });
    const file = write("0300_Open trailer_Leonov.pdf", unterminatedTrailer(sheet));
    const a = await analyzeIsolated(file, { settings, pool, limits: LIMITS });
    expect(a.error).toBeNull();
    expect(a).toMatchObject({ pages: 3, plates: 15, bureau: "Leonov" });
    expect(a.sheets.map((s) => s.press)).toEqual(["Speedmaster", "Speedmaster", "Speedmaster"]);
    expect(noteTexts(a.warnings).join("\n")).toMatch(/rebuilt.*repaired: .*invalid key in dict/);
  });
});

describe("a second opinion when MuPDF itself fails", () => {
  it("a trailer whose /Root is a page, not the catalog: MuPDF finds no page, Ghostscript draws them all", async () => {
    const file = write("0410_Wrong root_Leonov.pdf", wrongRoot(await buildSheet({ pages: 3 })));
    const before = sha(file);
    const work = path.join(dir, "work-0410");
    const a = await analyzeIsolated(file, { settings, pool, limits: LIMITS, repairDir: work });
    expect(a.error).toBeNull();
    expect(a.pages).toBe(3);
    expect(a.warnings[0].text).toMatch(
      /^MuPDF could not read the file \(The PDF has no pages\); it was read from a copy/,
    );
    expect(a.warnings[0].text).toMatch(/Ghostscript, as the bureau's RIP reads it, draws all 3 page\(s\)/);
    expect(a.repairedCopy?.path.startsWith(work)).toBe(true);
    expect(sha(file)).toBe(before);
  });

  it("a file MuPDF traps on is read from a copy Ghostscript rewrote; the original is unchanged", async () => {
    // With the recursion walk off, a pattern that paints itself traps MuPDF in every reading of the
    // file itself; Ghostscript draws it without the cycle, and MuPDF reads that copy.
    const unguarded = new PdfPool({ size: 2, selfTest: true, withoutRecursionGuard: true });
    try {
      const file = write("0400_Trap_Leonov.pdf", recursiveCase("pattern-cycle", seeded(3)).bytes);
      const before = sha(file);
      const stats = { ...readerStats };
      const work = path.join(dir, "work-0400");
      const a = await analyzeIsolated(file, { settings, pool: unguarded, limits: LIMITS, repairDir: work });
      expect(a.error).toBeNull();
      expect(noteTexts(a.warnings)[0]).toMatch(
        /^MuPDF could not read the file \(.*(memory access out of bounds|unreachable).*\); it was read from a copy Ghostscript rewrote/,
      );
      expect(a.repairedCopy?.by).toBe("ghostscript");
      expect(a.repairedCopy?.path.startsWith(work)).toBe(true);
      expect(fs.existsSync(a.repairedCopy?.path as string)).toBe(true);
      expect(sha(file)).toBe(before);
      expect(readerStats.rereads).toBeGreaterThan(stats.rereads);
      expect(readerStats.repairs).toBeGreaterThanOrEqual(stats.repairs + 2); // qpdf's copy traps too
      expect(readerStats.repairedReads).toBe(stats.repairedReads + 1);
    } finally {
      await unguarded.close();
    }
  });
});

describe("still refused, and no rewrite is tried", () => {
  let corpus: Awaited<ReturnType<typeof buildCorpus>>;
  beforeAll(async () => {
    corpus = await buildCorpus(path.join(dir, "corpus"));
  });

  it.each([
    ["truncated", "damaged", /cut short/],
    ["userPassword", "encrypted", /password/],
    ["notPdf", "not-pdf", /not a PDF/],
    ["empty", "empty", /empty/],
  ] as const)("%s: %s", async (name, code, message) => {
    const repairs = readerStats.repairs;
    const a = await analyzeIsolated(corpus[name], { settings, pool, limits: LIMITS });
    expect(a.error?.code).toBe(code);
    expect(a.error?.message).toMatch(message);
    expect(readerStats.repairs).toBe(repairs);
  });

  it("a sheet whose repair lost a page (a rewrite would only hide it: fewer plates)", async () => {
    const file = write("0500_Lost page.pdf", breakXrefAndPage(await buildSheet({ pages: 4 }), 2));
    const repairs = readerStats.repairs;
    const a = await analyzeIsolated(file, { settings, pool, limits: LIMITS });
    expect(a.error?.code).toBe("damaged");
    expect(a.error?.message).toMatch(/parts of it are lost: .*page tree/);
    expect(readerStats.repairs).toBe(repairs);
  });
});
