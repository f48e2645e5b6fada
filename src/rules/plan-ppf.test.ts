// Where each sheet's PPF goes: the press's ink-zone target, else its preview target; folder and name
// from its rules with {sheet}; a plan that cannot be made says why; names never collide.
import { describe, expect, it } from "vitest";
import { signaAnalysis, signaSheet } from "../../test/fixtures/analysis.ts";
import { type Settings, settingsSchema } from "../config/settings-schema.ts";
import { planPpfDeliveries } from "./plan-ppf.ts";

const settings = (inkZones: Record<string, unknown> | undefined, previewTarget?: string): Settings =>
  settingsSchema.parse({
    presses: [{ name: "Speedmaster", plateWidthMm: 1030, plateHeightMm: 770, previewTarget, inkZones }],
    bureaus: [{ name: "Korol" }],
    targets: [
      { name: "press", url: "file:///srv/press" },
      { name: "cp2000", url: "ftp://cp@10.0.0.5/" },
    ],
  });
const analysis = signaAnalysis({
  sheets: [signaSheet(1, ["Cyan"]), signaSheet(2, ["Cyan"])],
});
const files = [
  { page: 1, path: "/p/sheet-1.ppf" },
  { page: 2, path: "/p/sheet-2.ppf" },
];
const plan = (s: Settings) => planPpfDeliveries(analysis, s, "0537_Technoyug_Flier_Korol.pdf", files);

describe("PPF delivery plans", () => {
  it("goes to the ink-zone target with the press's folder and name rules", () => {
    const p = plan(
      settings({ target: "cp2000", folder: "ppf/{press}", nameTemplate: "{order}-{sheet}.ppf" }, "press"),
    );
    expect(p.map((x) => [x.target, x.remoteDir, x.remoteName, x.localPath, x.problem])).toEqual([
      ["cp2000", "ppf/Speedmaster", "0537-1.ppf", "/p/sheet-1.ppf", null],
      ["cp2000", "ppf/Speedmaster", "0537-2.ppf", "/p/sheet-2.ppf", null],
    ]);
  });

  it("falls back to the preview target; without either it says what is missing", () => {
    expect(plan(settings({}, "press"))[0]).toMatchObject({
      target: "press",
      remoteName: "0537_Technoyug_Flier_1.ppf",
    });
    expect(plan(settings({}))[0]).toMatchObject({
      problem: "no-target",
      missing: expect.stringMatching(/no PPF or preview target/),
    });
    expect(plan(settings({ target: "gone" }))[0]).toMatchObject({ problem: "unknown-target" });
    expect(plan(settings({ nameTemplate: "{nope}.ppf" }, "press"))[0]).toMatchObject({ problem: "rule" });
  });

  it("a name rule without {sheet} still gives every sheet its own file", () => {
    const p = plan(settings({ nameTemplate: "{order}.ppf" }, "press"));
    expect(p.map((x) => x.remoteName)).toEqual(["0537_1.ppf", "0537_2.ppf"]);
  });
});
