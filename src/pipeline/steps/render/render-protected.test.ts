// A PDF protected by an owner password only (restrictions, empty open password) is an ordinary
// sheet: it renders to the same preview, proofs and inks as its unprotected original, and the
// original file is left untouched. One that needs an open password stays refused.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as mupdf from "mupdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protectedCopies } from "../../../../test/fixtures/protected.ts";
import { buildSheet, testSettings } from "../../../../test/fixtures/signa.ts";
import { analyzeFile } from "../../../analysis/analyze.ts";
import { noteTexts } from "../../../util/note.ts";
import { renderToDir } from "./index.ts";

const settings = testSettings();
const render = { ...settings.render, proofPx: 400, inkDpi: 30 };
let dir: string;
let plain: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "pdfupload-render-protected-"));
  plain = path.join(dir, "plain.pdf");
  writeFileSync(plain, await buildSheet({ pages: 2 }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

describe("owner-password-only PDFs", () => {
  it("render like the unprotected sheet; the original is not changed; an open password is refused", async () => {
    const ref = await analyzeFile(plain, { settings });
    const refOut = await renderToDir(plain, ref, render, path.join(dir, "out-plain"));
    const copies = protectedCopies(plain, dir, "p-");
    expect(copies.filter((c) => !c.needsPassword).length).toBeGreaterThanOrEqual(7);
    for (const c of copies) {
      const a = await analyzeFile(c.file, { settings });
      if (c.needsPassword) {
        expect(a.error?.code, c.name).toBe("encrypted");
        continue;
      }
      expect(a.error, c.name).toBeNull();
      const before = sha(c.file);
      const r = await renderToDir(c.file, a, render, path.join(dir, `out-${c.name}`));
      expect(noteTexts(r.warnings), c.name).toEqual([]);
      expect(sha(c.file), c.name).toBe(before);
      const doc = mupdf.PDFDocument.openDocument(readFileSync(r.previewPdf as string)) as mupdf.PDFDocument;
      expect(doc.countPages(), c.name).toBe(2);
      expect(doc.needsPassword(), c.name).toBe(false);
      doc.destroy();
      expect(r.pages.map((p) => !!p.proof && !!p.thumbnail)).toEqual([true, true]);
      if (c.name === "gs-pdfwrite") {
        // Redistilled (pdfwrite drops Signa's PieceInfo, so the page is cropped to its content):
        // the same inks are there, by name.
        expect(Object.keys(r.pages[0].inks), c.name).toEqual(Object.keys(refOut.pages[0].inks));
        expect(r.pages[0].inks["PANTONE Warm Red C"]).toBeGreaterThan(0.5);
      } else {
        expect(
          r.pages.map((p) => p.inks),
          c.name,
        ).toEqual(refOut.pages.map((p) => p.inks));
      }
    }
  }, 120_000);
});
