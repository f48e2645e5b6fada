// Small pure pieces of the separation pass: gs's file-name escaping, ink ordering and naming, which
// page a gs complaint belongs to.
import { describe, expect, it } from "vitest";
import { decodeGsSeparationName, matchColorant, orderInks, outputByPage } from "./separations.ts";

describe("separations", () => {
  it("takes Ghostscript's separation name for the listed colorant as names are matched everywhere", () => {
    const listed = ["Cyan", "PANTONE 7621 C", "Лак Глянец"];
    expect(matchColorant("pantone\u00a07621  c", listed)).toBe("PANTONE 7621 C");
    expect(matchColorant("ЛАК ГЛЯНЕЦ", listed)).toBe("Лак Глянец");
    expect(matchColorant("PANTONE 7621", listed)).toBe("PANTONE 7621");
  });

  it("decodes tiffsep's escaped separation names (/, %, UTF-8 bytes)", () => {
    expect(decodeGsSeparationName("PANTONE 185%2FC")).toBe("PANTONE 185/C");
    expect(decodeGsSeparationName("Lack 100%25")).toBe("Lack 100%");
    expect(decodeGsSeparationName("%D0%A1%D0%B5%D1%80%D0%B5%D0%B1%D1%80%D0%BE")).toBe("Серебро");
    expect(decodeGsSeparationName("Orange Spot")).toBe("Orange Spot");
  });

  it("orders inks process first, then the sheet's colorants, then others; listed but unused is 0", () => {
    const measured = new Map([
      ["Black", 10.004],
      ["pantone 185  c", 3.333],
      ["Cyan", 1],
      ["Varnish", 2],
    ]);
    const inks = orderInks(measured, ["Cyan", "Black", "PANTONE 185 C", "PANTONE Warm Red C"]);
    expect(Object.entries(inks)).toEqual([
      ["Cyan", 1],
      ["Magenta", 0],
      ["Yellow", 0],
      ["Black", 10],
      ["PANTONE 185 C", 3.33],
      ["PANTONE Warm Red C", 0],
      ["Varnish", 2],
    ]);
  });

  it("attributes gs complaints to the page being drawn, not the end-of-file summary", () => {
    const out = [
      "Processing pages 3 through 5.",
      "Page 3",
      "Page 4",
      "   **** Error: Page drawing error occurred.",
      "Page 5",
      "The following errors were encountered at least once while processing this file:",
      "\terror reading a stream",
    ].join("\n");
    const by = outputByPage(out);
    expect(by.get(3)).toBe("");
    expect(by.get(4)).toMatch(/Page drawing error/);
    expect(by.get(5)).toBe("");
  });
});
