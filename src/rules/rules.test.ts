import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signaAnalysis, signaSheet } from "../../test/fixtures/analysis.ts";
import type { Analysis } from "../analysis/types.ts";
import { settingsSchema } from "../config/settings-schema.ts";
import {
  coloursSuffix,
  jobFields,
  planDeliveries,
  previewRule,
  removeBureauToken,
  renderRule,
  renderTemplate,
  safeFileName,
  safeFolder,
  TemplateError,
} from "./index.ts";

const sheet = signaSheet;

function analysis(over: Partial<Analysis> = {}): Analysis {
  return signaAnalysis({
    sheets: [
      sheet(1, ["Cyan", "Magenta"]),
      sheet(2, ["PANTONE Reflex Blue C", "Cyan"]),
      sheet(3, ["Cyan", "Magenta"]),
      sheet(4, ["Magenta", "PANTONE Reflex Blue C"]),
    ],
    ...over,
  });
}

const settings = settingsSchema.parse({
  presses: [
    {
      name: "Speedmaster",
      plateWidthMm: 1030,
      plateHeightMm: 770,
      previewTarget: "press-ftp",
      previewFolder: "{press}",
      previewName: "{order}_{orderName}.pdf",
    },
    { name: "Planeta", plateWidthMm: 1010, plateHeightMm: 820, previewTarget: "press-ftp" },
    { name: "Dominant", plateWidthMm: 740, plateHeightMm: 575 },
  ],
  bureaus: [
    {
      name: "Leonov",
      target: "leonov-ftp",
      folder: "{plateFolder}",
      plateFolders: { "1030x770": "_1030x770", "1010x820": "_1010x820", "740x575": "_ADAST" },
    },
    { name: "Korol", target: "korol-ftp", fileName: "{name}_{plateW}_{plates}Plates{colours}.pdf" },
    { name: "Admin", test: true, target: "leonov-ftp" },
    { name: "Vonoel" },
    { name: "Ghost", target: "nowhere" },
  ],
  targets: [
    { name: "leonov-ftp", url: "ftp://leonov@ctp.example/in" },
    { name: "korol-ftp", url: "sftp://korol@ctp.example/in" },
    { name: "press-ftp", url: "ftp://press@press.example/" },
  ],
});

describe("template language", () => {
  it("substitutes fields, formats dates, keeps escaped braces", () => {
    const d = new Date(2025, 2, 7, 9, 5, 3);
    expect(
      renderTemplate("{a}-{n}-{date:YYYY/MM/DD HH:mm:ss}-{date:YY}{{x}}", { a: "A", n: 8, date: d }),
    ).toBe("A-8-2025/03/07 09:05:03-25{x}");
    expect(renderTemplate("{date}", { date: d })).toBe("2025-03-07");
    expect(renderTemplate("{x}|{y}", { x: null, y: 900.25 })).toBe("|900.3");
  });

  it("an unknown field is a clear error listing the known fields", () => {
    const err = (() => {
      try {
        renderRule("{nmae}.pdf", "name", jobFields(analysis(), settings));
      } catch (e) {
        return e as TemplateError;
      }
    })();
    expect(err).toBeInstanceOf(TemplateError);
    expect(err?.code).toBe("unknown-field");
    expect(err?.message).toContain("{nmae}");
    expect(err?.message).toMatch(/known fields: .*colours.*name.*orderName.*plateFolder/);
  });

  it("malformed templates and formats on non-dates are errors", () => {
    expect(() => renderTemplate("{name", { name: "x" })).toThrow(/never closed/);
    expect(() => renderTemplate("a}b", {})).toThrow(/has no "\{"/);
    expect(() => renderTemplate("{1x}", {})).toThrow(/not a field name/);
    expect(() => renderTemplate("{name:YYYY}", { name: "x" })).toThrow(/only dates/);
  });
});

describe("colour suffix (Korol, SYSTEM.md step 7)", () => {
  it.each([
    [["Cyan", "Magenta", "Yellow", "Black"], ""],
    [["Cyan", "Magenta", "PANTONE Reflex Blue C", "PANTONE 246 C"], "_CM-ReflexBlueC-246C"],
    [["PANTONE 246 C", "Black", "Cyan"], "_CK-246C"],
    [["Black"], "_K"],
    [["Cyan", "Magenta", "Yellow", "Black", "PANTONE_Warm Red C"], "_CMYK-WarmRedC"],
    [["PANTONE 877 C"], "_877C"],
    [[], ""],
  ])("%j → %s", (colorants, expected) => {
    expect(coloursSuffix(colorants)).toBe(expected);
  });
});

describe("bureau token", () => {
  it("is removed from the file name, case-insensitively, keeping the extension", () => {
    expect(removeBureauToken("0537_Technoyug_Flier_Leonov.pdf", settings.bureaus)).toBe(
      "0537_Technoyug_Flier.pdf",
    );
    expect(removeBureauToken("0537_leonov_Technoyug.PDF", ["Leonov"])).toBe("0537_Technoyug.PDF");
    expect(removeBureauToken("0537_Technoyug.pdf", ["Leonov"])).toBe("0537_Technoyug.pdf");
    // Only one token (the last) goes; a lone token stays rather than leaving no name.
    expect(removeBureauToken("0537_Korol_Flier_Korol.pdf", ["Korol"])).toBe("0537_Korol_Flier.pdf");
    expect(removeBureauToken("Leonov.pdf", ["Leonov"])).toBe("Leonov.pdf");
  });

  it("is found as the analysis finds it: NFD, doubled or upper-case .pdf, a name spanning tokens", () => {
    const nfd = (s: string) => s.normalize("NFD");
    expect(removeBureauToken(nfd("0412_Буклет_принтпойнт.pdf.pdf"), ["ПринтПойнт"])).toBe(
      nfd("0412_Буклет.pdf.pdf"),
    );
    expect(removeBureauToken("0413_Menu_york_plate.PDF", ["York_Plate", "Plate"])).toBe("0413_Menu.PDF");
  });

  it("leaves the delivery name in the client's characters, without the bureau and doubled extension", () => {
    const file = "0537_Технояг_Флаер_KOROL.pdf.pdf".normalize("NFD");
    const a = analysis({ file, bureau: "Korol", order: "0537", orderName: "Технояг_Флаер" });
    const [bureau, preview] = planDeliveries(a, settings, file);
    expect(bureau.remoteName).toBe("0537_Технояг_Флаер_1030_8Plates_CM-ReflexBlueC.pdf".normalize("NFD"));
    expect(preview.remoteName).toBe("0537_Технояг_Флаер.pdf");
    expect(jobFields(a, settings).ext).toBe("pdf");
  });
});

describe("rules from the original system", () => {
  it("Korol: name with plate width, plate count and colours", () => {
    const [bureau] = planDeliveries(analysis(), settings, "0537_Technoyug_Flier_Korol.pdf");
    expect(bureau).toMatchObject({
      kind: "bureau",
      target: "korol-ftp",
      remoteDir: "",
      remoteName: "0537_Technoyug_Flier_1030_8Plates_CM-ReflexBlueC.pdf",
      notify: true,
      missing: null,
    });
  });

  it.each([
    ["Speedmaster", [1030, 770], "_1030x770"],
    ["Planeta", [1010, 820], "_1010x820"],
    ["Dominant", [740, 575], "_ADAST"],
  ] as const)("Leonov: %s plates go to %s", (press, plateMm, folder) => {
    const a = analysis({
      bureau: "Leonov",
      file: "0537_Technoyug_Flier_Leonov.pdf",
      sheets: [sheet(1, ["Cyan", "Magenta", "Yellow", "Black"], { press, plateMm: [...plateMm] })],
    });
    const [bureau] = planDeliveries(a, settings, "0537_Technoyug_Flier_Leonov.pdf");
    expect(bureau.remoteDir).toBe(folder);
    expect(bureau.remoteName).toBe("0537_Technoyug_Flier.pdf");
    expect(bureau.target).toBe("leonov-ftp");
  });

  it("Leonov: a plate size without a folder goes to the target folder itself", () => {
    const a = analysis({
      bureau: "Leonov",
      sheets: [sheet(1, ["Black"], { press: null, pressBy: null, plateMm: [500, 400] })],
    });
    expect(planDeliveries(a, settings, "x_Leonov.pdf")[0].remoteDir).toBe("");
  });

  it("preview goes to the press's target with its own rules", () => {
    const [, preview] = planDeliveries(analysis(), settings, "0537_Technoyug_Flier_Korol.pdf");
    expect(preview).toMatchObject({
      kind: "preview",
      target: "press-ftp",
      remoteDir: "Speedmaster",
      remoteName: "0537_Technoyug_Flier.pdf",
      notify: false,
      missing: null,
    });
  });

  it("a test bureau is delivered but not notified", () => {
    const [bureau] = planDeliveries(analysis({ bureau: "Admin" }), settings, "0537_Flier_Admin.pdf");
    expect(bureau).toMatchObject({
      target: "leonov-ftp",
      notify: false,
      missing: null,
      remoteName: "0537_Flier.pdf",
    });
  });
});

describe("plans explain what is missing", () => {
  const cases: [string, Partial<Analysis>, "bureau" | "preview", string, RegExp][] = [
    ["no bureau", { bureau: null }, "bureau", "no-bureau", /no CTP bureau/],
    ["unknown bureau", { bureau: "Nobody" }, "bureau", "unknown-bureau", /"Nobody" is not configured/],
    ["bureau without target", { bureau: "Vonoel" }, "bureau", "no-target", /Vonoel has no delivery target/],
    ["bureau with a missing target", { bureau: "Ghost" }, "bureau", "unknown-target", /"nowhere"/],
    [
      "no press",
      { sheets: [sheet(1, ["Black"], { press: null, pressBy: null })] },
      "preview",
      "no-press",
      /no press/,
    ],
    [
      "unknown press",
      { sheets: [sheet(1, ["Black"], { press: "Roland" })] },
      "preview",
      "unknown-press",
      /"Roland"/,
    ],
    [
      "press without preview target",
      { sheets: [sheet(1, ["Black"], { press: "Dominant", plateMm: [740, 575] })] },
      "preview",
      "no-target",
      /Dominant has no delivery target/,
    ],
  ];
  it.each(cases)("%s", (_label, over, kind, problem, words) => {
    const plans = planDeliveries(analysis(over), settings, "0537_Flier.pdf");
    expect(plans).toHaveLength(2);
    const p = plans.find((x) => x.kind === kind);
    expect(p?.problem).toBe(problem);
    expect(p?.missing).toMatch(words);
  });

  it("a target named in another case or Unicode form is the configured target, under its own name", () => {
    const s = settingsSchema.parse({
      ...settings,
      bureaus: [{ name: "Korol", target: "KOROL\u00a0 FTP" }],
      targets: [{ name: "korol ftp", url: "sftp://korol@ctp.example/in" }],
    });
    const [bureau] = planDeliveries(analysis(), s, "0537_Technoyug_Flier_Korol.pdf");
    expect(bureau).toMatchObject({ target: "korol ftp", problem: null, missing: null });
  });

  it("a broken rule is a problem of that plan, not an exception", () => {
    const s = settingsSchema.parse({
      ...settings,
      bureaus: [{ name: "Korol", target: "korol-ftp", fileName: "{plats}.pdf" }],
    });
    const [bureau, preview] = planDeliveries(analysis(), s, "0537_Technoyug_Flier_Korol.pdf");
    expect(bureau.problem).toBe("rule");
    expect(bureau.missing).toMatch(/file name rule: unknown field \{plats\}/);
    expect(preview.missing).toBeNull();
  });
});

describe("path traversal", () => {
  const evil = analysis({
    file: "../../etc/passwd_Korol.pdf",
    order: "..",
    orderName: "../../../root/.ssh/authorized_keys",
  });

  it("values from file names cannot leave the target folder", () => {
    const s = settingsSchema.parse({
      ...settings,
      bureaus: [
        { name: "Korol", target: "korol-ftp", folder: "{order}/{orderName}", fileName: "{orderName}" },
      ],
    });
    const [bureau] = planDeliveries(evil, s, "../../etc/passwd_Korol.pdf");
    expect(bureau.remoteDir).toBe("__._._root_.ssh_authorized_keys");
    expect(bureau.remoteName).not.toMatch(/[/\\]|\.\./);
    expect(bureau.remoteName?.startsWith(".")).toBe(false);
  });

  it("a rule's own text cannot make an absolute or climbing folder", () => {
    const fields = jobFields(analysis(), settings);
    expect(renderRule("/srv/../../{press}/./x", "folder", fields)).toBe("srv/Speedmaster/x");
    expect(renderRule("..\\..\\{press}", "folder", fields)).toBe("Speedmaster");
    expect(renderRule("../{name}/../x.pdf", "name", fields)).toBe("__0537_Technoyug_Flier_._x.pdf");
  });

  it("property: no output contains '..', starts with '/', or has separators in a file name", () => {
    const value = fc.string({
      unit: fc.constantFrom(".", "/", "\\", "a", "Б", " ", "\u0000", "_", ":"),
      maxLength: 12,
    });
    const tmpl = fc
      .array(fc.constantFrom("{v}", "/", ".", "..", "\\", "x", " "), { maxLength: 8 })
      .map((a) => a.join(""));
    fc.assert(
      fc.property(value, tmpl, (v, t) => {
        const folder = renderRule(t, "folder", { v });
        expect(folder.startsWith("/")).toBe(false);
        expect(folder).not.toContain("..");
        expect(folder).not.toContain("\\");
        expect(folder).not.toContain("\u0000");
        if (folder !== "") {
          for (const seg of folder.split("/")) {
            expect(seg).not.toBe("");
            expect(seg.startsWith(".")).toBe(false);
          }
        }
        let name: string | null = null;
        try {
          name = renderRule(`${t}.pdf`, "name", { v });
        } catch {
          return; // an empty name is refused, never produced
        }
        for (const bad of ["/", "\\", "\u0000"]) expect(name).not.toContain(bad);
        expect(name).not.toContain("..");
        expect(name.startsWith(".")).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it("safeFileName and safeFolder directly", () => {
    expect(() => safeFileName("..")).toThrow(/empty/);
    expect(safeFileName(".hidden.pdf")).toBe("_hidden.pdf");
    expect(() => safeFileName("   ")).toThrow(/empty/);
    expect(safeFileName(`Заказ "Ёлка" 'x'.pdf`)).toBe(`Заказ "Ёлка" 'x'.pdf`);
    expect(safeFolder("/a//b/./../c/")).toBe("a/b/c");
    expect(Buffer.byteLength(safeFileName(`${"Ж".repeat(300)}.pdf`))).toBe(255 - 1); // 2-byte letters
    expect(safeFileName(`${"Ж".repeat(125)}.pdf`)).toBe(`${"Ж".repeat(125)}.pdf`); // 254 bytes: whole
    expect(safeFileName(`${"Ж".repeat(300)}.pdf`).endsWith(".pdf")).toBe(true);
  });
});

describe("previewRule (admin: try a rule on a past job)", () => {
  it("renders with the job's fields", () => {
    const r = previewRule("{name}_{plateW}_{plates}Plates{colours}.pdf", analysis(), {
      settings,
      originalName: "0537_Technoyug_Flier_Korol.pdf",
    });
    expect(r).toMatchObject({ ok: true, value: "0537_Technoyug_Flier_1030_8Plates_CM-ReflexBlueC.pdf" });
    expect(r.fields.plates).toBe(8);
  });

  it("reports a bad rule instead of throwing", () => {
    const r = previewRule("{press}/{paperQ}", analysis(), { kind: "folder", settings });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe("unknown-field");
      expect(r.error.message).toMatch(/known fields/);
    }
  });

  it("folder rule with a date", () => {
    const r = previewRule("{press}/{date:YYYY-MM}", analysis(), {
      kind: "folder",
      settings,
      date: new Date(2024, 11, 31),
    });
    expect(r).toMatchObject({ ok: true, value: "Speedmaster/2024-12" });
  });
});
