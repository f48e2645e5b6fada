import { describe, expect, it } from "vitest";
import { tempName } from "../delivery/names.ts";
import { safeComponent } from "../files/move.ts";
import { byteLength, cutToBytes, fitName, wrapName } from "./name-bytes.ts";

const long = (n: number, ext = ".pdf") => `${"Ж".repeat(n)}${ext}`;

describe("names limited by bytes", () => {
  it("cuts between characters, never inside one", () => {
    expect(cutToBytes("ЖЖЖ", 5)).toBe("ЖЖ");
    expect(cutToBytes("a😀b", 4)).toBe("a"); // the emoji takes 4 bytes
    expect(cutToBytes("abc", 10)).toBe("abc");
  });

  it("fits a name with a suffix, keeping the extension", () => {
    const name = long(125); // 254 bytes
    expect(fitName(name)).toBe(name);
    const second = fitName(name, 255, " (2)");
    expect(byteLength(second)).toBeLessThanOrEqual(255);
    expect(second.endsWith(" (2).pdf")).toBe(true);
    expect(byteLength(safeComponent(long(200)))).toBeLessThanOrEqual(255);
    expect(safeComponent(long(200)).endsWith(".pdf")).toBe(true);
    expect(byteLength(fitName(long(200), 244))).toBeLessThanOrEqual(244);
  });

  it("temp names of names at the limit fit, stay the same for one name and differ between names", () => {
    expect(tempName("x.pdf")).toBe(".x.pdf.part");
    const a = long(125);
    const b = `${"Ж".repeat(124)}Я.pdf`;
    for (const n of [a, b]) {
      expect(byteLength(tempName(n))).toBeLessThanOrEqual(255);
      expect(tempName(n).startsWith(".")).toBe(true);
      expect(tempName(n).endsWith(".part")).toBe(true);
    }
    expect(tempName(a)).toBe(tempName(a));
    expect(tempName(a)).not.toBe(tempName(b));
    expect(byteLength(wrapName("", a, `.${123456}.part`))).toBeLessThanOrEqual(255);
  });
});
