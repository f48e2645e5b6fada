// Bad input and bad luck: a page that runs too long is killed, a broken page is a warning, cancelling
// stops everything, temp files go away, and hostile file names are just names.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSettings } from "../../../config/settings-schema.ts";
import { noteTexts } from "../../../util/note.ts";
import { RenderError, renderSheets } from "./index.ts";
import { rasterPages } from "./separations.ts";
import { brokenPage, buildOverprintPdf, fixtureAnalysis, pageSpecs, slowPage } from "./test-fixtures.ts";
import { processesMentioning } from "./test-reference.ts";
import { tiffComplete } from "./tiff-reader.ts";

const settings = { ...defaultSettings().render, proofPx: 300, inkDpi: 72, concurrency: 2 };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "pdfupload-render-fail-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function freshTmp(name: string): string {
  const t = path.join(dir, `tmp-${name}`);
  mkdirSync(t);
  return t;
}

describe("render failures", () => {
  it("a page past timeoutSec is killed; the other pages still come out", async () => {
    const pdf = path.join(dir, "slow.pdf");
    writeFileSync(pdf, await buildOverprintPdf({ extraPages: [slowPage(7)] }));
    const tmpDir = freshTmp("slow");
    const out = path.join(dir, "out-slow");
    const r = await renderSheets({
      pdfPath: pdf,
      analysis: fixtureAnalysis(pdf, 5),
      // Generous for the normal pages on a loaded machine; the slow page needs minutes.
      settings: { ...settings, proofPx: 150, timeoutSec: 8, concurrency: 3 },
      outDir: out,
      tmpDir,
    });
    const slow = r.pages[4];
    expect(slow.proof).toBeNull();
    expect(slow.thumbnail).toBeNull();
    expect(slow.warning?.text).toMatch(/ran past 8 s and was stopped/);
    expect(noteTexts(r.warnings).some((w) => /^page 5: /.test(w))).toBe(true);
    for (const p of r.pages.slice(0, 4)) {
      expect(p.warning?.text).toBeUndefined();
      expect(existsSync(p.proof as string)).toBe(true);
      expect(existsSync(p.thumbnail as string)).toBe(true);
    }
    expect(existsSync(path.join(out, "proof-5.jpg"))).toBe(false);
    // pdfwrite walks the same 10^7 fills: the preview is stopped too, and says so.
    expect(r.previewPdf).toBeNull();
    expect(existsSync(path.join(out, "preview.pdf"))).toBe(false);
    expect(noteTexts(r.warnings)).toContainEqual(expect.stringMatching(/^preview: Ghostscript ran past 8 s/));
    expect(r.pages[0].inks.Cyan).toBeCloseTo(60, 0);
    // Nothing left behind: no gs still running on our temp files, no temp files.
    expect(processesMentioning(tmpDir)).toEqual([]);
    expect(readdirSync(tmpDir)).toEqual([]);
  });

  it("a process stopped mid-run keeps the pages it finished and blames only the page it was drawing", async () => {
    const pdf = path.join(dir, "slow-second.pdf");
    // Page 1 quick, page 2 slow, in ONE Ghostscript process.
    writeFileSync(pdf, await buildOverprintPdf({ pages: [pageSpecs()[0], slowPage(7)] }));
    const run = freshTmp("run");
    const r = await rasterPages({
      pdf,
      pages: [1, 2],
      dpi: 36,
      sizePt: [1000, 800],
      spots: false,
      dir: run,
      timeoutMs: 4000,
    });
    expect(r.done.map((d) => d.page)).toEqual([1]);
    expect(r.done[0].coverage.get("Cyan")).toBeGreaterThan(0);
    expect(r.failed.map((f) => f.page)).toEqual([2]);
    expect(r.failed[0].error.code).toBe("render-timeout");
    expect(r.notStarted).toEqual([]);
    // A page file cut short (gs stopped while writing it) is told apart from a whole one.
    const whole = path.join(run, "p0001.tif");
    expect(tiffComplete(whole)).toBe(true);
    const cut = path.join(run, "cut.tif");
    copyFileSync(whole, cut);
    writeFileSync(cut, readFileSync(cut).subarray(0, 4096));
    expect(tiffComplete(cut)).toBe(false);
    expect(tiffComplete(path.join(run, "missing.tif"))).toBe(false);
  });

  it("every Ghostscript process runs under the memory limit; one that cannot fit says so", async () => {
    const pdf = path.join(dir, "limited.pdf");
    writeFileSync(pdf, await buildOverprintPdf({ pages: [slowPage(7)] }));
    const run = freshTmp("limit");
    const ac = new AbortController();
    const pending = rasterPages({
      pdf,
      pages: [1],
      dpi: 36,
      sizePt: [400, 300],
      spots: false,
      dir: run,
      timeoutMs: 60_000,
      memoryMb: 300,
      signal: ac.signal,
    });
    let limits = "";
    for (let i = 0; i < 100 && !limits; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const [pid] = processesMentioning(run);
      if (pid) limits = readFileSync(`/proc/${pid}/limits`, "utf8");
    }
    ac.abort();
    await expect(pending).rejects.toMatchObject({ code: "render-aborted" });
    // gs itself (prlimit execs it) carries the limit: 300 MB = 314572800 bytes.
    expect(limits).toMatch(/Max address space\s+314572800\s+314572800/);

    const tight = await rasterPages({
      pdf: path.join(dir, "limited.pdf"),
      pages: [1],
      dpi: 36,
      sizePt: [400, 300],
      spots: false,
      dir: freshTmp("tight"),
      timeoutMs: 30_000,
      memoryMb: 24,
    });
    expect(tight.done).toEqual([]);
    expect(tight.failed[0].error.message).toMatch(/ran out of memory \(limit 24 MB, render.memoryLimitMb\)/);
  });

  it("a page Ghostscript reports as broken gives a page warning; the other pages are fine", async () => {
    const pdf = path.join(dir, "broken.pdf");
    writeFileSync(pdf, await buildOverprintPdf({ extraPages: [brokenPage()] }));
    const tmpDir = freshTmp("broken");
    const r = await renderSheets({
      pdfPath: pdf,
      analysis: fixtureAnalysis(pdf, 5),
      settings,
      outDir: path.join(dir, "out-broken"),
      tmpDir,
    });
    expect(r.pages[4].warning?.text).toMatch(/Ghostscript reported problems on this page: .*error/i);
    expect(noteTexts(r.warnings)).toContainEqual(expect.stringMatching(/^page 5: /));
    for (const p of r.pages.slice(0, 4)) {
      expect(p.warning?.text).toBeUndefined();
      expect(existsSync(p.proof as string)).toBe(true);
    }
    expect(r.pages[1].inks["PANTONE 185 C"]).toBeCloseTo(12, 0);
    expect(readdirSync(tmpDir)).toEqual([]);
  });

  it("pages rendered in one gs run: a slow page mid-run is stopped, the rest are redone and come out", async () => {
    const std = pageSpecs();
    const pdf = path.join(dir, "batch.pdf");
    // All process-only, so one device and resolution: at concurrency 1 they go in runs of three.
    writeFileSync(
      pdf,
      await buildOverprintPdf({ pages: [std[0], slowPage(8), std[2], brokenPage(), std[3]] }),
    );
    const tmpDir = freshTmp("batch");
    const r = await renderSheets({
      pdfPath: pdf,
      analysis: fixtureAnalysis(pdf, 5),
      settings: { ...settings, proofPx: 150, timeoutSec: 8, concurrency: 1 },
      outDir: path.join(dir, "out-batch"),
      tmpDir,
    });
    expect(r.pages.map((p) => p.page)).toEqual([1, 2, 3, 4, 5]);
    expect(r.pages[1].warning?.text).toMatch(/ran past 8 s and was stopped/);
    expect(r.pages[1].proof).toBeNull();
    expect(r.pages[3].warning?.text).toMatch(/Ghostscript reported problems on this page/);
    for (const i of [0, 2, 4]) {
      expect(r.pages[i].warning, `page ${i + 1}`).toBeUndefined();
      expect(existsSync(r.pages[i].proof as string)).toBe(true);
    }
    expect(r.pages[0].inks.Cyan).toBeCloseTo(60, 0);
    expect(r.pages[2].inks.Black).toBeCloseTo(82.5, 0);
    expect(processesMentioning(tmpDir)).toEqual([]);
    expect(readdirSync(tmpDir)).toEqual([]);
  });

  it("cancelling stops Ghostscript, rejects with render-aborted and cleans up", async () => {
    const pdf = path.join(dir, "slow-abort.pdf");
    writeFileSync(pdf, await buildOverprintPdf({ extraPages: [slowPage(7)] }));
    const tmpDir = freshTmp("abort");
    const ac = new AbortController();
    const p = renderSheets({
      pdfPath: pdf,
      analysis: fixtureAnalysis(pdf, 5),
      settings: { ...settings, concurrency: 1 },
      outDir: path.join(dir, "out-abort"),
      tmpDir,
      signal: ac.signal,
    });
    // Abort once gs is running on our files.
    while (processesMentioning(tmpDir).length === 0) await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RenderError);
    expect((err as RenderError).code).toBe("render-aborted");
    expect(processesMentioning(tmpDir)).toEqual([]);
    expect(readdirSync(tmpDir)).toEqual([]);
  });

  it("file names with quotes, $(), backticks, %d, | and Cyrillic are passed safely", async () => {
    const sub = path.join(dir, "names");
    mkdirSync(sub);
    const name = `0601_Обложка «Весна» $(touch PWNED) \`touch PWNED2\` 'q' "x" %d |cat -oops.pdf`;
    const pdf = path.join(sub, name);
    writeFileSync(pdf, await buildOverprintPdf());
    const out = path.join(sub, "out «Весна» $(x) %d");
    const r = await renderSheets({ pdfPath: pdf, analysis: fixtureAnalysis(pdf, 4), settings, outDir: out });
    expect(noteTexts(r.warnings)).toEqual([]);
    expect(existsSync(path.join(out, "preview.pdf"))).toBe(true);
    expect(r.pages.every((p) => p.proof && existsSync(p.proof))).toBe(true);
    expect(r.pages[0].inks.Magenta).toBeCloseTo(54, 0);
    for (const d of [sub, process.cwd(), os.tmpdir()]) {
      expect(existsSync(path.join(d, "PWNED"))).toBe(false);
      expect(existsSync(path.join(d, "PWNED2"))).toBe(false);
    }
  });

  it("a file MuPDF cannot open is a render error with a code, and no temp dir is left", async () => {
    const pdf = path.join(dir, "garbage.pdf");
    writeFileSync(pdf, "%PDF-1.7\nthis is not really a PDF\n");
    const tmpDir = freshTmp("garbage");
    const err = await renderSheets({
      pdfPath: pdf,
      analysis: fixtureAnalysis(pdf, 1),
      settings,
      outDir: path.join(dir, "out-garbage"),
      tmpDir,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RenderError);
    expect(["crop-failed", "bad-crop"]).toContain((err as RenderError).code);
    expect(readdirSync(tmpDir)).toEqual([]);
  });
});
