// Limits with clear errors: page size, decoded image size and decompressed stream size ("PDF bombs"),
// checked before MuPDF inflates anything; ordinary big sheets pass them. Each bomb here is a few KB.
import fs from "node:fs";
import path from "node:path";
import * as mupdf from "mupdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeFile } from "../../src/analysis/analyze.ts";
import { settingsSchema } from "../../src/config/settings-schema.ts";
import { analyzeIsolated } from "../../src/isolation/isolated.ts";
import { PdfPool } from "../../src/isolation/pdf-pool.ts";
import { lzwDecodedSize, runLengthDecodedSize } from "../../src/pipeline/steps/inspect/decoded-size.ts";
import { checkStreams, inflatedSize } from "../../src/pipeline/steps/inspect/limits.ts";
import { openPdf } from "../../src/pipeline/steps/inspect/open-pdf.ts";
import {
  flateBomb,
  fontBomb,
  hugePage,
  imageBomb,
  lzwBomb,
  lzwEncode,
  onePage,
  runLengthBomb,
  writeFixture,
  zerosDeflated,
} from "../fixtures/hostile.ts";
import { testSettings, threeMarks, writeSheet } from "../fixtures/signa.ts";
import { tempDir } from "../helpers/temp-app.ts";

describe("analysis limits", () => {
  let dir: string;
  let pool: PdfPool;
  const settings = testSettings();

  beforeAll(() => {
    dir = tempDir("pdfupload-limits-");
    pool = new PdfPool({ size: 1 });
  });
  afterAll(async () => {
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("builds a real bomb: a few KB that inflate to 1 GB", async () => {
    const bytes = zerosDeflated(1024 * 1024 * 1024, 2);
    expect(bytes.length).toBeLessThan(8 * 1024);
    // Counting through both layers, without keeping the output.
    expect(await inflatedSize(bytes, 2, 2 * 1024 ** 3)).toBe(1024 ** 3);
  });

  it.each([
    ["content stream", flateBomb(1024, 2)],
    ["one-layer content stream", flateBomb(600, 1)],
    ["embedded font", fontBomb(1024)],
  ])(
    "refuses a Flate bomb in a %s as too-large, quickly and without MuPDF inflating it",
    async (_what, bytes) => {
      expect(bytes.length).toBeLessThan(700 * 1024);
      const file = writeFixture(dir, "0100_bomb.pdf", bytes);
      const a = await analyzeFile(file, { settings });
      expect(a.error?.code).toBe("too-large");
      expect(a.error?.message).toMatch(/inflates to more than 512 MB/);
      expect(a.order).toBe("0100");
    },
  );

  it("counts LZW and RunLength output exactly as MuPDF decodes it, without decoding", () => {
    // Varied text long enough for 12-bit codes and several table resets.
    const text = Buffer.from(
      Array.from({ length: 40_000 }, (_, i) => `${(i * 7919) % 1000} ${i % 3 ? "re" : "f"} `).join(""),
    );
    const lzw = lzwEncode(text);
    expect(lzw.length).toBeLessThan(text.length);
    const rl = Buffer.from([2, 65, 66, 67, 255, 88, 129, 32, 0, 10, 128]); // "ABC", 2 × X, 128 × " ", "\n"
    for (const [filter, data, count] of [
      ["LZWDecode", lzw, lzwDecodedSize(lzw, Number.POSITIVE_INFINITY)],
      ["RunLengthDecode", rl, runLengthDecodedSize(rl, Number.POSITIVE_INFINITY)],
    ] as const) {
      const doc = mupdf.PDFDocument.openDocument(
        onePage({ dict: `/Filter/${filter}`, data }),
      ) as mupdf.PDFDocument;
      const buf = doc.newIndirect(4).readStream();
      const decoded = buf.asUint8Array().slice();
      buf.destroy();
      doc.destroy();
      expect(count, filter).toBe(decoded.length);
      if (filter === "LZWDecode") expect(Buffer.from(decoded).equals(text)).toBe(true);
    }
    expect(runLengthDecodedSize(rl, Number.POSITIVE_INFINITY)).toBe(3 + 2 + 128 + 1);
    // Counting stops soon after the cap.
    expect(lzwDecodedSize(lzwEncode(Buffer.alloc(4 << 20)), 1 << 20)).toBeLessThan(1.1 * (1 << 20));
  });

  it.each([
    ["LZW", lzwBomb(40)],
    ["RunLength", runLengthBomb(40)],
  ])("refuses a %s bomb over the stream limit as too-large; under it, it passes", async (_what, bytes) => {
    const file = writeFixture(dir, "0102_other_bomb.pdf", bytes);
    const strict = settingsSchema.parse({ ...settings, analysis: { maxStreamMb: 16 } });
    const a = await analyzeFile(file, { settings: strict });
    expect(a.error).toMatchObject({ code: "too-large" });
    expect(a.error?.message).toMatch(/inflates to more than 16 MB/);
    expect((await analyzeFile(file, { settings })).error).toBeNull();
  });

  it("the stream limit is configurable and a stream under it passes", async () => {
    const file = writeFixture(dir, "0101_small_bomb.pdf", flateBomb(40, 2));
    expect((await analyzeFile(file, { settings })).error).toBeNull();
    const strict = settingsSchema.parse({ ...settings, analysis: { maxStreamMb: 16 } });
    const a = await analyzeFile(file, { settings: strict });
    expect(a.error).toMatchObject({ code: "too-large" });
    expect(a.error?.message).toMatch(/over the limit of 16 MB per stream/);
  });

  it("refuses an image that declares more pixels than the limit, without decoding it", async () => {
    const file = writeFixture(dir, "image-bomb.pdf", imageBomb(100_000, 100_000));
    const a = await analyzeFile(file, { settings });
    expect(a.error?.code).toBe("too-large");
    expect(a.error?.message).toMatch(/image of 100000 × 100000 pixels/);
  });

  it("refuses a page longer than 5 m a side (configurable)", async () => {
    const file = writeFixture(dir, "huge-page.pdf", hugePage(7000, 3000));
    const a = await analyzeFile(file, { settings });
    expect(a.error?.code).toBe("too-large");
    expect(a.error?.message).toMatch(/Page 1 is 7000 × 3000 mm, over the limit of 5000 mm a side/);
    const wide = settingsSchema.parse({ ...settings, analysis: { maxPageMm: 8000 } });
    expect((await analyzeFile(file, { settings: wide })).error).toBeNull();
  });

  it("keeps the file-size and page-count limits", async () => {
    const sheet = await writeSheet(dir, "0200_pages.pdf", { pages: 3 });
    const few = settingsSchema.parse({ ...settings, analysis: { maxPages: 2 } });
    expect((await analyzeFile(sheet, { settings: few })).error?.message).toMatch(
      /3 pages, over the limit of 2 pages/,
    );
    const tiny = settingsSchema.parse({ ...settings, analysis: { maxFileMb: 0.001 } });
    expect((await analyzeFile(sheet, { settings: tiny })).error?.code).toBe("too-large");
  });

  it("passes an ordinary sheet with a large image and does not decode its streams", async () => {
    const sheet = await writeSheet(dir, "0300_big_image_Leonov.pdf", {
      marks: threeMarks({ bureau: "Leonov" }),
      imageMb: 24,
    });
    const strict = settingsSchema.parse({ ...settings, analysis: { maxStreamMb: 64 } });
    const a = await analyzeFile(sheet, { settings: strict });
    expect(a.error).toBeNull();
    expect(a.plates).toBe(10);
    const pdf = openPdf(sheet);
    try {
      expect(await checkStreams(pdf.doc, 64 * 1024 * 1024)).toBeNull();
    } finally {
      pdf.close();
    }
  });

  it("gives the same coded errors through the isolated pipeline path", async () => {
    for (const [name, bytes] of [
      ["a.pdf", flateBomb(1024, 2)],
      ["b.pdf", imageBomb()],
      ["c.pdf", hugePage()],
    ] as const) {
      const file = writeFixture(dir, name, bytes);
      const a = await analyzeIsolated(file, { settings, pool });
      expect(a.error?.code, name).toBe("too-large");
    }
    expect(fs.readdirSync(dir).filter((f) => !f.endsWith(".pdf"))).toEqual([]);
    expect(path.isAbsolute(dir)).toBe(true);
  });
});
