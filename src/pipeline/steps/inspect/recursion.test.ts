// The recursion walk: every generated self-reaching structure is found (a cycle, or nesting deeper
// than MuPDF.js bears) with a message naming it, before MuPDF runs any content; Signa sheets and forms
// that merely share the page's resource dictionary are not flagged.
import fs from "node:fs";
import path from "node:path";
import * as mupdf from "mupdf";
import { afterAll, describe, expect, it } from "vitest";
import { RECURSIVE_KINDS, recursiveCase, seeded } from "../../../../test/fixtures/recursive.ts";
import { buildCorpus, testSettings } from "../../../../test/fixtures/signa.ts";
import { tempDir } from "../../../../test/helpers/temp-app.ts";
import { analyzeFile } from "../../../analysis/analyze.ts";
import { noteTexts } from "../../../util/note.ts";
import { RecursionGuard } from "./recursion.ts";

const open = (bytes: Uint8Array) =>
  mupdf.Document.openDocument(bytes, "application/pdf").asPDF() as mupdf.PDFDocument;

describe("recursion walk", () => {
  const dir = tempDir("pdfupload-recursion-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(RECURSIVE_KINDS)("finds %s (five random variants) before MuPDF runs it", (kind) => {
    const rnd = seeded(17 + kind.length);
    for (let k = 0; k < 5; k++) {
      const c = recursiveCase(kind, rnd);
      const doc = open(c.bytes);
      try {
        const h = new RecursionGuard(doc).page(0);
        if (c.expect === "clean") expect(h).toBeNull();
        else expect(h?.kind).toBe(c.expect === "refused" ? "cycle" : "deep");
      } finally {
        doc.destroy();
      }
    }
  });

  it("names what draws itself", () => {
    const rnd = seeded(5);
    const say = (kind: (typeof RECURSIVE_KINDS)[number]) => {
      const doc = open(recursiveCase(kind, rnd).bytes);
      try {
        return new RecursionGuard(doc).page(0)?.what;
      } finally {
        doc.destroy();
      }
    };
    expect(say("pattern-form-cycle")).toMatch(/^pattern P\d+ draws itself through form Fm\d+$/);
    expect(say("type3-self")).toMatch(/^Type 3 font T\d+ draws itself$/);
    expect(say("softmask-self")).toMatch(/^soft mask GS\d+ draws itself$/);
    expect(say("annotation-cycle")).toMatch(/^form Ap\d+ draws itself$/);
    expect(say("deep-forms")).toMatch(/nested more than 24 deep \(the page → form X\d+ → form X\d+ → …\)/);
  });

  it("refuses a cycle with too-complex, and reads a deep chain without running it", async () => {
    const rnd = seeded(99);
    for (const kind of RECURSIVE_KINDS) {
      const c = recursiveCase(kind, rnd);
      const file = path.join(dir, `${kind}.pdf`);
      fs.writeFileSync(file, c.bytes);
      const a = await analyzeFile(file, { settings: testSettings() });
      if (c.expect === "refused") {
        expect(a.error?.code, kind).toBe("too-complex");
        expect(a.error?.message, kind).toMatch(/^On page 1, .* draws itself/);
      } else {
        expect(a.error, kind).toBeNull();
        const warned = noteTexts(a.warnings).some((w) =>
          /the drawn area was not measured: .*nested more than/.test(w),
        );
        expect(warned, kind).toBe(c.expect === "warned");
      }
    }
  });

  it("flags nothing in the Signa sheets", async () => {
    const corpus = await buildCorpus(path.join(dir, "corpus"));
    for (const file of Object.values(corpus)) {
      let doc: mupdf.PDFDocument;
      try {
        doc = open(fs.readFileSync(file));
      } catch {
        continue; // the corpus holds a password-protected sheet
      }
      try {
        const guard = new RecursionGuard(doc);
        for (let i = 0; i < doc.countPages(); i++) expect(guard.page(i), file).toBeNull();
      } finally {
        doc.destroy();
      }
    }
  });
});
