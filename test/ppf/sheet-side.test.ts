// Which side a sheet is, from its mark text: the built-in words as whole words in any case, and a
// press's own patterns replacing them.
import { describe, expect, it } from "vitest";
import { inkZonesSchema } from "../../src/config/settings-schema.ts";
import { sheetSideOf } from "../../src/ppf/sheet-side.ts";

const zones = inkZonesSchema.parse({});
const side = (marks: Record<string, string>, backMarks: string[] = []) =>
  sheetSideOf([{ name: "SM", inkZones: { ...zones, backMarks } }])({ press: "SM", marks });

describe("sheet side", () => {
  it("reads the back from Signa's side words, whole words only", () => {
    expect(side({ Sheet: "Sheet 3 Back" })).toBe("back");
    expect(side({ Sheet: "Лист 2 ОБОРОТ" })).toBe("back");
    expect(side({ Sheet: "Bogen 1 Widerdruck" })).toBe("back");
    expect(side({ Sheet: "Sheet 3 Front" })).toBe("front");
    expect(side({ Sheet: "Лист 2 Лицо", Outputter: "Выведено: Leonov" })).toBe("front");
    // Words that only contain one: a customer, a product.
    expect(side({ Order: "Backlight GmbH", Name: "Оборотный капитал" })).toBe("front");
    expect(side({})).toBe("front");
  });

  it("a press's own patterns replace the built-in words", () => {
    expect(side({ Sheet: "Bg 4 WD" }, ["\\bWD$"])).toBe("back");
    expect(side({ Sheet: "Sheet 3 Back" }, ["\\bWD$"])).toBe("front");
  });
});
