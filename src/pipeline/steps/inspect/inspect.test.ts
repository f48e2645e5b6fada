import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasGhostscript, hasPoppler, pdfinfo } from "../../../../test/analysis/poppler.ts";
import {
  breakXref,
  breakXrefAndPage,
  buildCorpus,
  buildSheet,
  type CorpusName,
  linearize,
  MM,
} from "../../../../test/fixtures/signa.ts";
import { noteTexts } from "../../../util/note.ts";
import { readSigna } from "../read-signa/index.ts";
import { type InspectResult, inspect, openPdf, type ReadStats } from "./index.ts";

let dir: string;
let corpus: Record<CorpusName, string>;
const limits = { maxFileMb: 100, maxPages: 100 };

function run(path: string, extra: Partial<Parameters<typeof inspect>[0]> = {}): InspectResult {
  const r = inspect({ path, ...limits, ...extra });
  if (r.ok) r.pdf.close();
  return r;
}
async function write(name: string, bytes: Uint8Array | Promise<Uint8Array>) {
  const p = join(dir, name);
  writeFileSync(p, await bytes);
  return p;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pdfupload-inspect-"));
  corpus = await buildCorpus(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("inspect", () => {
  it("reads creator, page count and boxes of a Signa sheet", () => {
    const r = run(corpus.default);
    expect(r.ok).toBe(true);
    expect(r.facts).toMatchObject({
      isPdf: true,
      creator: "PrinectSignaStation",
      creatorIsSigna: true,
      pages: 2,
    });
    expect(r.facts.boxes[0].mediaBox.map((v) => Math.round(v / MM))).toEqual([0, 0, 1030, 770]);
    expect(r.facts.boxes[0].trimBox).toBeNull();
    expect(noteTexts(r.facts.warnings)).toEqual([]);
  });

  it("reads the TrimBox where the page has one", () => {
    const r = run(corpus.trimBox);
    expect(r.facts.boxes[1].trimBox?.map((v) => Math.round(v / MM))).toEqual([65, 40, 965, 680]);
  });

  it.skipIf(!hasPoppler)("agrees with poppler's pdfinfo on pages, creator and boxes", async () => {
    const files = [
      corpus.default,
      corpus.trimBox,
      corpus.objectStreams,
      corpus.ownerPassword,
      corpus.plain,
      corpus.planeta,
      await write("origin.pdf", buildSheet({ pages: 3, originPt: [-12.5, 30], trimBoxMm: "paper" })),
    ];
    for (const f of files) {
      const r = run(f);
      const p = pdfinfo(f);
      expect(r.facts.pages, f).toBe(p.pages);
      expect(r.facts.creator, f).toBe(p.creator);
      r.facts.boxes.forEach((b, i) => {
        b.mediaBox.forEach((v, k) => {
          expect(v).toBeCloseTo(p.boxes[i].mediaBox[k], 1);
        });
        // pdfinfo prints the effective TrimBox (MediaBox when absent).
        (b.trimBox ?? b.mediaBox).forEach((v, k) => {
          expect(v).toBeCloseTo(p.boxes[i].trimBox[k], 1);
        });
      });
    }
  });

  it("reads object-stream and owner-password files", () => {
    expect(run(corpus.objectStreams).facts.pages).toBe(2);
    const owner = run(corpus.ownerPassword);
    expect(owner.ok).toBe(true);
    expect(owner.facts.pages).toBe(2);
    expect(owner.facts.encryption).toMatch(/AES/);
  });

  it.skipIf(!hasGhostscript)("reads a linearised file", async () => {
    const lin = linearize(await buildSheet({ pages: 3 }));
    expect(lin).not.toBeNull();
    const r = run(await write("linearised.pdf", lin as Uint8Array));
    expect(r.ok).toBe(true);
    expect(r.facts.pages).toBe(3);
  });

  it("accepts .PDF in any case and file names with quotes, $() and Cyrillic", () => {
    expect(run(corpus.tesSlash).ok).toBe(true);
    const r = run(corpus.tes);
    expect(r.ok).toBe(true);
    expect(r.facts.file).toBe("0601_Book cover «Весна» $(rm -rf) `x` 'q'.pdf");
  });

  it("rejects an empty file", () => {
    const r = run(corpus.empty);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe("empty");
  });

  it("rejects a file that is not a PDF, and a PDF not named .pdf", () => {
    const r = run(corpus.notPdf);
    expect(!r.ok && r.error.code).toBe("not-pdf");
    const p = join(dir, "sheet.pdf.tmp");
    copyFileSync(corpus.default, p);
    const named = run(p);
    expect(!named.ok && named.error.code).toBe("not-pdf");
    expect(!named.ok && named.error.message).toMatch(/\.pdf/);
    // The display name decides, not the stored path.
    expect(run(p, { fileName: "0537_Job.Pdf" }).ok).toBe(true);
  });

  it("rejects a PDF that needs a user password, but not an owner-only one", () => {
    const r = run(corpus.userPassword);
    expect(!r.ok && r.error.code).toBe("encrypted");
    expect(!r.ok && r.error.message).toMatch(/password/);
  });

  it("rejects a cut-short file as damaged", () => {
    const r = run(corpus.truncated);
    expect(!r.ok && r.error.code).toBe("damaged");
    expect(!r.ok && r.error.message).toMatch(/cut short/);
  });

  it("accepts a broken xref that repairs with every page, with a warning", async () => {
    const r = run(await write("xref.pdf", breakXref(await buildSheet({ pages: 4 }))));
    expect(r.ok).toBe(true);
    expect(r.facts.pages).toBe(4);
    expect(r.facts.repaired).toBe(true);
    expect(noteTexts(r.facts.warnings).join()).toMatch(/rebuilt/);
  });

  it("rejects a broken xref whose repair loses a page", async () => {
    const r = run(await write("lost-page.pdf", breakXrefAndPage(await buildSheet({ pages: 4 }), 2)));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe("damaged");
  });

  it("rejects files over the size or page limit", async () => {
    const big = run(corpus.default, { maxFileMb: 0.001 });
    expect(!big.ok && big.error.code).toBe("too-large");
    expect(!big.ok && big.error.message).toMatch(/MB/);
    const many = run(corpus.default, { maxPages: 1 });
    expect(!many.ok && many.error.code).toBe("too-large");
    expect(!many.ok && many.error.message).toMatch(/2 pages/);
  });

  it("reads a big sheet on demand: the image data is never loaded for inspect and marks", async () => {
    const path = await write("big-image.pdf", buildSheet({ pages: 2, imageMb: 24 }));
    const stats: ReadStats = { bytesRead: 0 };
    const pdf = openPdf(path, stats);
    try {
      expect(pdf.doc.countPages()).toBe(2);
      const signa = readSigna(pdf.doc);
      expect(signa.pages[1].marks.find((m) => m.creationName === "Machine")?.text).toBe(
        "Машина: Speedmaster",
      );
    } finally {
      pdf.close();
    }
    // 48 MB of images on disk; a few hundred KB of structure, fonts and marks read.
    expect(stats.bytesRead).toBeLessThan(2 * 1024 * 1024);
  });

  it("reports a missing file as unreadable instead of throwing", () => {
    const r = run(join(dir, "missing.pdf"));
    expect(!r.ok && r.error.code).toBe("damaged");
  });

  it("reports a PDF without a creator", async () => {
    const r = run(await write("nocreator.pdf", buildSheet({ creator: null })));
    expect(r.facts.creator).toBeNull();
    expect(r.facts.creatorIsSigna).toBe(false);
  });
});
