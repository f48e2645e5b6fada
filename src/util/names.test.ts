import { describe, expect, it } from "vitest";
import { findByName, foldName, longestNames, nameInTokens, nameOccurrences, sameName } from "./names.ts";

const nfd = (s: string) => s.normalize("NFD");

describe("names: folding", () => {
  it("folds Unicode form, case (Cyrillic too) and whitespace runs", () => {
    expect(nfd("Бийск")).not.toBe("Бийск");
    expect(foldName(nfd("  ТипоГРАФИЯ Бийск "))).toBe("типография бийск");
    expect(sameName("GTO\u00a0\t 52", "gto 52")).toBe(true);
    expect(sameName(nfd("Ёлка"), "ёлка")).toBe(true);
    expect(sameName("GTO 52", "GTO52")).toBe(false);
  });

  it("finds a configured entry by any spelling of its name, and nothing for an empty name", () => {
    const list = [{ name: "Рото-Принт" }, { name: "Йод" }];
    expect(findByName(list, nfd("йод"))?.name).toBe("Йод");
    expect(findByName(list, "РОТО-ПРИНТ")?.name).toBe("Рото-Принт");
    expect(findByName(list, "  ")).toBeUndefined();
    expect(findByName(list, null)).toBeUndefined();
  });
});

describe("names: in text", () => {
  it("matches whole words only, across NFD, case and any whitespace", () => {
    const text = nfd("Выведено: Прий\u00a0Пойнт / ROLAND  700 evo");
    expect(nameOccurrences(text, ["Прий Пойнт", "Roland 700", "Roland 70"]).map((o) => o.name)).toEqual([
      "Прий Пойнт",
      "Roland 700",
    ]);
    expect(nameOccurrences("Planetary Science", ["Planeta"])).toEqual([]);
    // A combining mark continues a word: "Йод" is not "Иод" with something after it.
    expect(nameOccurrences(nfd("Йод"), ["И"])).toEqual([]);
  });

  it("lets the longest of overlapping names win, keeping separate ones", () => {
    const text = "Rapida 105 and Rapida 105 PRO, then Rapida";
    expect(longestNames(text, ["Rapida", "Rapida 105", "Rapida 105 PRO"]).map((o) => o.name)).toEqual([
      "Rapida 105",
      "Rapida 105 PRO",
      "Rapida",
    ]);
  });
});

describe("names: in file-name tokens", () => {
  it("takes whole tokens, several for a name with `_`, the last place, the longest there", () => {
    const names = ["Print", "Print_Hub", "Hub"];
    expect(nameInTokens("12_Job_Print_Hub".split("_"), names)).toEqual({
      name: "Print_Hub",
      start: 2,
      end: 4,
    });
    expect(nameInTokens("12_Hub_Job_Print".split("_"), names)).toEqual({ name: "Print", start: 3, end: 4 });
    expect(nameInTokens(nfd("12_job_ЙОТА").split("_"), ["йота"])?.name).toBe("йота");
    expect(nameInTokens("12_Printer_Job".split("_"), names)).toBeNull();
    expect(nameInTokens("12_Job_print_LAB".split("_"), ["Print Lab"])?.name).toBe("Print Lab");
    expect(nameInTokens("12_Job_print  LAB".split("_"), ["Print Lab"])?.name).toBe("Print Lab");
    expect(nameInTokens("12_Job_Print Lab".split("_"), ["Print_Lab"])).toBeNull();
  });
});
