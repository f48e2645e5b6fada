// The analysis and render contract from the command line, as a prepress script would call it:
// one JSON object per file in input order, exit 2 when any file was refused, render writes its files.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROCESS, threeMarks, writeSheet } from "../fixtures/signa.ts";
import { tempDir } from "../helpers/temp-app.ts";

const dir = tempDir("pdfupload-cli-");
const bin = path.resolve("bin/pdfupload.js");
const env = { ...process.env, PDFUPLOAD_DATA: path.join(dir, "data") };
let sheet = "";
let config = "";

function cli(...args: string[]) {
  return cliEnv({}, ...args);
}
function cliEnv(extra: Record<string, string>, ...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], {
    env: { ...env, ...extra },
    encoding: "utf8",
    timeout: 120_000,
  });
}

beforeAll(async () => {
  // A name that must stay data: quotes, $(), backticks, Cyrillic.
  sheet = await writeSheet(dir, '0537_Флаер "$(touch x)" `id`_Leonov.pdf', { pages: 2, marks: threeMarks() });
  config = path.join(dir, "settings.yaml");
  fs.writeFileSync(
    config,
    "presses:\n  - { name: Speedmaster, plateWidthMm: 1030, plateHeightMm: 770, gripperMm: 40 }\nbureaus:\n  - { name: Leonov }\n",
  );
  fs.writeFileSync(path.join(dir, "letter.pdf"), "Dear customer, this is not a PDF.");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("pdfupload analyze / render", () => {
  it("prints one object per file in input order with inks, and exits 2 when one was refused", () => {
    const r = cli("analyze", sheet, path.join(dir, "letter.pdf"), "--json", "--inks", "--config", config);
    expect(r.status).toBe(2);
    const [a, b] = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(a).toMatchObject({
      file: path.basename(sheet),
      pages: 2,
      plates: 10,
      bureau: "Leonov",
      order: "0537",
      error: null,
    });
    expect(a.sheets[0]).toMatchObject({
      press: "Speedmaster",
      pressBy: "mark",
      paperMm: [900, 640],
      paperBy: "mark",
    });
    expect(Object.keys(a.sheets[0].inks)).toEqual(
      expect.arrayContaining(["Cyan", "Magenta", "Yellow", "Black", "PANTONE Warm Red C"]),
    );
    expect(a.sheets[0].inkAreaPt).toHaveLength(4);
    expect(b).toMatchObject({ file: "letter.pdf", error: { code: "not-pdf" } });
    expect(fs.existsSync(path.join(dir, "x"))).toBe(false);
  });

  it("exits 0 when every file was read", () => {
    const r = cli("analyze", sheet, "--json", "--config", config);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).sheets).toHaveLength(2);
  });

  it("render writes the preview, proofs, thumbnails and the analysis with inks", () => {
    const out = path.join(dir, "out");
    const r = cli("render", sheet, "--out", out, "--config", config);
    expect(r.status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual([
      "analysis.json",
      "preview.pdf",
      "proof-1.jpg",
      "proof-2.jpg",
      "thumb-1.jpg",
      "thumb-2.jpg",
    ]);
    const a = JSON.parse(fs.readFileSync(path.join(out, "analysis.json"), "utf8"));
    expect(a.sheets[1].inks.Cyan).toBeGreaterThan(0);
    // A short summary for a person: the sheets, plates, where each file went, the inks.
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/: 2 sheet\(s\), 10 plate\(s\), bureau Leonov, rendered by \w+ in \d+\.\d s$/);
    expect(lines).toContain(`  preview:  ${path.join(out, "preview.pdf")}`);
    expect(r.stdout).toContain(`sheet 2: proof ${path.join(out, "proof-2.jpg")}`);
    expect(r.stdout).toMatch(/inks: Cyan \d+\.\d%/);
    expect(r.stdout).not.toContain("{");
  });

  it("render --json prints the render result as one object", () => {
    const out = path.join(dir, "out-json");
    const r = cli("render", sheet, "--out", out, "--config", config, "--json");
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.previewPdf).toBe(path.join(out, "preview.pdf"));
    expect(o.pages.map((p: { proof: string }) => p.proof)).toEqual([
      path.join(out, "proof-1.jpg"),
      path.join(out, "proof-2.jpg"),
    ]);
    expect(o.analysisJson).toBe(path.join(out, "analysis.json"));
  });

  it("analyze --json --inks: blankPlates and missingPlates per sheet, platesBy per file (CMY-only non-Signa: 3 a page)", async () => {
    const blank = await writeSheet(dir, "0801_Blank_Leonov.pdf", {
      colorants: [...PROCESS, "PANTONE 185 C"],
      pages: [{}, { paintSpots: [] }],
      marks: threeMarks(),
    });
    const unlisted = await writeSheet(dir, "0802_Unlisted_Leonov.pdf", {
      colorants: [...PROCESS],
      paintSpots: ["PANTONE 021 C"],
      pages: 1,
      marks: threeMarks(),
    });
    const plain = await writeSheet(dir, "0803_Plain_Leonov.pdf", {
      creator: "Adobe InDesign 19.0",
      colorants: null,
      marks: [],
      artworkText: null,
      trimBoxMm: "paper",
      pages: 2,
    });
    const r = cli("analyze", blank, unlisted, plain, "--json", "--inks", "--config", config);
    expect(r.status, r.stderr).toBe(0);
    const [b, u, p] = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(b).toMatchObject({ platesBy: "signa", plates: 10 });
    expect(b.sheets.map((s: { blankPlates: string[] }) => s.blankPlates)).toEqual([[], ["PANTONE 185 C"]]);
    expect(b.sheets.map((s: { missingPlates: string[] }) => s.missingPlates)).toEqual([[], []]);
    expect(u).toMatchObject({ platesBy: "signa", plates: 4 });
    expect(u.sheets[0]).toMatchObject({ blankPlates: [], missingPlates: ["PANTONE 021 C"] });
    expect(p).toMatchObject({ isSigna: false, platesBy: "separations", plates: 6 });
    expect(p.platesApproximate).toBeUndefined();
    expect(p.sheets[0].separations).toEqual(["Cyan", "Magenta", "Yellow"]);
    // Without the --inks render nothing is measured: the count is not known yet, never a made-up figure.
    const bare = JSON.parse(cli("analyze", plain, "--json", "--config", config).stdout);
    expect(bare.platesBy).toBeNull();

    // Without Ghostscript (MuPDF fallback) the same count, flagged approximate; blank and missing
    // plates are not judged from CMYK-folded spots.
    const noGs = cliEnv(
      { PDFUPLOAD_NO_GS: "1" },
      "analyze",
      plain,
      blank,
      "--json",
      "--inks",
      "--config",
      config,
    );
    expect(noGs.status, noGs.stderr).toBe(0);
    const [pm, bm] = noGs.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(pm).toMatchObject({ platesBy: "separations", plates: 6, platesApproximate: true });
    expect(bm.sheets[1].blankPlates).toBeUndefined();
  });
});
