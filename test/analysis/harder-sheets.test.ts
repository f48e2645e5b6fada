// The harder corpus (test/fixtures/harder.ts) read exactly: press names inside press names, NFD and
// double-extension file names, rotated, offset and cropped pages, an unconfigured press in a mark. Every
// fact of every sheet is compared, and the paper's page-space rectangle is checked against the TrimBox
// Poppler reads from the same file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeFile } from "../../src/analysis/analyze.ts";
import { hardSettings, hardSheets, writeHardCorpus } from "../fixtures/harder.ts";
import { hasPoppler, pdfinfo } from "./poppler.ts";

let dir: string;
let corpus: Awaited<ReturnType<typeof writeHardCorpus>>;
const settings = hardSettings();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pdfupload-harder-"));
  corpus = await writeHardCorpus(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the harder corpus", () => {
  it("covers each rule with several variants", () => {
    const all = hardSheets();
    const count = (f: (s: (typeof all)[number]) => boolean) => all.filter(f).length;
    expect(count((s) => s.fileName !== s.fileName.normalize("NFC"))).toBeGreaterThanOrEqual(3);
    expect(count((s) => /\.pdf\.pdf$/i.test(s.fileName))).toBeGreaterThanOrEqual(2);
    expect(count((s) => /\.PDF$/.test(s.fileName))).toBeGreaterThanOrEqual(1);
    expect(count((s) => s.expect.sheets[0].press === null)).toBeGreaterThanOrEqual(2);
    for (const r of [90, 180, 270]) expect(count((s) => s.spec.rotatePage === r)).toBeGreaterThanOrEqual(2);
    expect(count((s) => !!s.spec.originPt)).toBeGreaterThanOrEqual(3);
    expect(count((s) => !!s.spec.cropMarginMm)).toBeGreaterThanOrEqual(3);
  });

  it.each(hardSheets().map((s) => [s.about, s.fileName]))("%s", async (_about, fileName) => {
    const s = corpus.find((c) => c.fileName === fileName);
    if (!s) throw new Error(`not in the corpus: ${fileName}`);
    const a = await analyzeFile(s.path, { settings });
    expect(a.error).toBeNull();
    const { warnings, sheets, trimIsPaper, ...facts } = s.expect;
    expect({
      file: a.file,
      bureau: a.bureau,
      bureauBy: a.bureauBy,
      order: a.order,
      orderName: a.orderName,
      plates: a.plates,
    }).toEqual({ file: fileName, ...facts });
    expect(
      a.sheets.map((sh) => ({
        press: sh.press,
        pressBy: sh.pressBy,
        plateMm: sh.plateMm,
        paperMm: sh.paperMm,
        paperBy: sh.paperBy,
        paperRectMm: sh.paperRectMm,
      })),
    ).toEqual(sheets);
    expect(a.warnings).toHaveLength(warnings.length);
    for (const w of warnings) expect(a.warnings.some((x) => w.test(x.text))).toBe(true);
    if (trimIsPaper && hasPoppler) {
      const boxes = pdfinfo(s.path).boxes;
      a.sheets.forEach((sh, i) => {
        expect(sh.paperRectPt).toBeTruthy();
        for (const [k, v] of (sh.paperRectPt ?? []).entries()) expect(v).toBeCloseTo(boxes[i].trimBox[k], 1);
      });
    }
  });
});
