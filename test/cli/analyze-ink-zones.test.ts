// Ink zones from the command line: `analyze --json --inks` gives each sheet's `inkZones` for a press
// with ink zones on, and they add up to the sheet's ink coverage; `render` writes a PPF per sheet
// that the tests' own reader parses.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Analysis } from "../../src/analysis/types.ts";
import { threeMarks, writeSheet } from "../fixtures/signa.ts";
import { tempDir } from "../helpers/temp-app.ts";
import { readPpf } from "../ppf/ppf-reader.ts";

const dir = tempDir("pdfupload-cli-zones-");
const bin = path.resolve("bin/pdfupload.js");
const env = { ...process.env, PDFUPLOAD_DATA: path.join(dir, "data") };
let sheet = "";
let config = "";

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { env, encoding: "utf8", timeout: 120_000 });

beforeAll(async () => {
  sheet = await writeSheet(dir, "0537_Zones_Leonov.pdf", { pages: 2, marks: threeMarks() });
  config = path.join(dir, "settings.yaml");
  fs.writeFileSync(
    config,
    [
      "presses:",
      "  - name: Speedmaster",
      "    plateWidthMm: 1030",
      "    plateHeightMm: 770",
      "    gripperMm: 40",
      "    inkZones: { count: 32, widthMm: 32.5, startEdge: right }",
      "bureaus:",
      "  - { name: Leonov }",
      "",
    ].join("\n"),
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("ink zones from the command line", () => {
  it("analyze --json --inks: per-zone coverage that adds up to each separation's coverage", () => {
    const r = cli("analyze", sheet, "--json", "--inks", "--config", config);
    expect(r.status).toBe(0);
    const a = JSON.parse(r.stdout) as Analysis;
    for (const s of a.sheets) {
      const z = s.inkZones;
      expect(z).toMatchObject({ count: 32, widthMm: 32.5, startEdge: "right", side: "front" });
      expect(Object.keys(z?.separations ?? {})).toEqual(s.colorants);
      // 32 × 32.5 mm = 1040 mm centred on the 1030 mm plate covers the 900 mm paper: each zone's
      // share of the paper width, weighted by its coverage, is the separation's coverage.
      const paperW = (s.paperMm as [number, number])[0];
      const left = 1030 / 2 - (s.paperRectMm as number[])[0] - 520;
      for (const [name, values] of Object.entries(z?.separations ?? {})) {
        expect(values).toHaveLength(32);
        let sum = 0;
        values.forEach((v, i) => {
          const k = 31 - i; // startEdge right: zone 1 is the rightmost
          const from = Math.max(0, left + k * 32.5);
          const to = Math.min(paperW, left + (k + 1) * 32.5);
          if (to > from) sum += (v ?? Number.NaN) * (to - from);
          else expect(v).toBeNull();
        });
        expect(sum / paperW).toBeCloseTo(s.inks?.[name] ?? Number.NaN, 0);
      }
    }
  });

  it("analyze without --inks has no zones", () => {
    const a = JSON.parse(cli("analyze", sheet, "--json", "--config", config).stdout) as Analysis;
    expect(a.sheets[0].inkZones).toBeUndefined();
  });

  it("render writes a PPF per sheet beside the proofs", () => {
    const out = path.join(dir, "out");
    expect(cli("render", sheet, "--out", out, "--config", config).status).toBe(0);
    const a = JSON.parse(fs.readFileSync(path.join(out, "analysis.json"), "utf8")) as Analysis;
    for (const s of a.sheets) {
      const ppf = readPpf(fs.readFileSync(path.join(out, `sheet-${s.page}.ppf`)));
      expect(ppf.jobName).toBe("0537_Zones_Leonov");
      expect(ppf.separationNames).toEqual(s.colorants);
    }
  });
});
