// The PPF writer's small parts, read back by the tests' own reader: run-length data of every shape
// (long runs, long literals, alternating bytes, empty), names with PostScript's special characters
// and Cyrillic, a back side, and the refusal of a sheet without any image.
import { describe, expect, it } from "vitest";
import { psString, runLengthEncode, writePpf } from "../../src/ppf/ppf-writer.ts";
import { readPpf, runLengthDecode } from "./ppf-reader.ts";

describe("PPF writer", () => {
  it("run-length data decodes to the bytes it was made from", () => {
    const cases: Uint8Array[] = [
      new Uint8Array(0),
      new Uint8Array([7]),
      new Uint8Array(1000).fill(255),
      Uint8Array.from({ length: 1000 }, (_, i) => i % 256),
      Uint8Array.from({ length: 777 }, (_, i) => (i % 2 ? 0 : 255)),
      Uint8Array.from({ length: 5000 }, (_, i) => (i % 300 < 150 ? 255 : (i * 31) % 256)),
    ];
    for (const data of cases) {
      const enc = runLengthEncode(data);
      const dec = runLengthDecode(Buffer.concat([enc, Buffer.from("\nCIP3EndSeparation")]), 0);
      expect(dec.data).toEqual(data);
      expect(dec.end).toBe(enc.length);
    }
    // Blank paper shrinks: 1000 equal bytes in 8 runs of 128 (and the end byte).
    expect(runLengthEncode(new Uint8Array(1000).fill(255)).length).toBe(17);
  });

  it("escapes names and reads them back; the side is the one asked for", () => {
    expect(psString("a(b)c\\")).toBe("(a\\(b\\)c\\\\)");
    const grid = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
    const ppf = readPpf(
      writePpf({
        jobName: "Заказ (№5) \\ 2",
        sheetName: "3",
        side: "back",
        extentPt: [300, 200],
        separations: [
          { name: "PANTONE 185 C", image: { grid, gridWidth: 4, gridHeight: 3, gridDpi: 50.8 } },
          { name: "Лак", image: null },
        ],
      }),
    );
    expect(ppf.jobName).toBe("Заказ (№5) \\ 2");
    expect(ppf.side).toBe("Back");
    expect(ppf.separationNames).toEqual(["PANTONE 185 C", "Лак"]);
    // Film convention: 0 is solid ink.
    expect([...ppf.images[0].data]).toEqual([...grid].map((v) => 255 - v));
    // A listed plate without ink: an empty image of the same size.
    expect([...ppf.images[1].data]).toEqual(new Array(12).fill(255));
  });

  it("refuses a sheet without any separation image", () => {
    expect(() =>
      writePpf({
        jobName: "x",
        sheetName: "1",
        side: "front",
        extentPt: [1, 1],
        separations: [{ name: "Cyan", image: null }],
      }),
    ).toThrow(/at least one separation/);
  });
});
