// A press's ink zones in the settings YAML: defaults filled in, checked (an unknown PPF target, a
// bad back-mark pattern, zero zones are refused with their paths), and kept through export/import.
import { describe, expect, it } from "vitest";
import { parseSettingsYaml, SettingsError, settingsToYaml } from "../../src/config/settings-file.ts";

const doc = (inkZones: string) =>
  [
    "presses:",
    "  - name: XL 106",
    "    plateWidthMm: 1060",
    "    plateHeightMm: 770",
    "    previewTarget: press",
    `    inkZones: ${inkZones}`,
    "bureaus: [{ name: Leonov }]",
    "targets:",
    "  - { name: press, url: 'file:///srv/press' }",
    "  - { name: cp2000, url: 'ftp://cp@10.0.0.5/' }",
    "",
  ].join("\n");

function problems(yaml: string): string[] {
  try {
    parseSettingsYaml(yaml);
  } catch (e) {
    if (e instanceof SettingsError) return e.message.split("\n");
    throw e;
  }
  return [];
}

describe("ink zones in the settings file", () => {
  it("fills the defaults and keeps every field through export and import", () => {
    const s = parseSettingsYaml(doc("{ count: 32, widthMm: 32.5 }"));
    expect(s.presses[0].inkZones).toEqual({
      enabled: true,
      count: 32,
      widthMm: 32.5,
      startEdge: "left",
      folder: "",
      nameTemplate: "{name}_{sheet}.ppf",
      backMarks: [],
    });
    const full = parseSettingsYaml(
      doc(
        "{ count: 24, widthMm: 30, startEdge: right, target: cp2000, folder: ppf, backMarks: ['\\bWD\\b'] }",
      ),
    );
    expect(parseSettingsYaml(settingsToYaml(full))).toEqual(full);
    // A press without ink zones stays without them.
    const none = parseSettingsYaml(doc("null").replace("    inkZones: null\n", ""));
    expect(none.presses[0].inkZones).toBeUndefined();
  });

  it("refuses an unknown PPF target, a bad pattern and zero zones, naming where", () => {
    expect(problems(doc("{ target: nowhere }")).join("\n")).toMatch(/presses\[0\]\.inkZones\.target/);
    expect(problems(doc("{ backMarks: ['(unclosed'] }")).join("\n")).toMatch(
      /presses\[0\]\.inkZones\.backMarks/,
    );
    expect(problems(doc("{ count: 0 }")).join("\n")).toMatch(/presses\[0\]\.inkZones\.count/);
  });
});
