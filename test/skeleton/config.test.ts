import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import { parseSettingsYaml, SettingsError, settingsToYaml } from "../../src/config/settings-file.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";

const MINIMAL = `
presses:
  - { name: Speedmaster, plateWidthMm: 1030, plateHeightMm: 770, gripperMm: 42, plateCost: 11.5 }
bureaus:
  - { name: Leonov }
`;

const FULL = `
presses:
  - { name: Speedmaster, plateWidthMm: 1030, plateHeightMm: 770, gripperMm: 42, plateCost: 11.5, previewTarget: press }
  - { name: Planeta, plateWidthMm: 1010, plateHeightMm: 820, gripperMm: 40, plateCost: 12 }
bureaus:
  - name: Leonov
    target: leonov
    folder: "{plateFolder}"
    plateFolders: { "1030x770": _1030x770, "740x575": _ADAST }
  - { name: Admin, test: true }
targets:
  - { name: leonov, url: "ftp://user@127.0.0.1:2121/in", password: "s3cret-pass" }
  - { name: press, url: "file:///srv/press" }
channels:
  telegram: { token: "123:ABC-token" }
`;

let ctx: AppContext | null = null;
afterEach(async () => {
  await ctx?.close();
  ctx = null;
});

describe("settings YAML", () => {
  it("accepts the minimal document with defaults filled in", () => {
    const s = parseSettingsYaml(MINIMAL);
    expect(s.presses[0]).toMatchObject({
      name: "Speedmaster",
      plateWidthMm: 1030,
      gripperMm: 42,
      plateCost: 11.5,
      priority: 0,
    });
    expect(s.bureaus[0]).toMatchObject({ name: "Leonov", test: false, fileName: "{name}.pdf" });
    expect(s.render.proofPx).toBe(2500);
  });

  it("refuses a bad file listing every problem with path, value and what was expected", () => {
    const bad = `
presses:
  - { name: Speedmaster, plateWidthMm: -5, plateHeightMm: "wide", gripperMm: 42 }
  - { name: "", plateWidthMm: 1010, plateHeightMm: 820, colour: red }
bureaus:
  - { name: Leonov, target: nowhere }
`;
    let err: SettingsError | null = null;
    try {
      parseSettingsYaml(bad);
    } catch (e) {
      err = e as SettingsError;
    }
    expect(err).toBeInstanceOf(SettingsError);
    const paths = err?.problems.map((p) => p.path) ?? [];
    expect(paths).toContain("presses[0].plateWidthMm");
    expect(paths).toContain("presses[0].plateHeightMm");
    expect(paths).toContain("presses[1].name");
    expect(paths).toContain("presses[1].colour");
    expect(err?.problems.find((p) => p.path === "presses[0].plateWidthMm")?.value).toBe(-5);
    expect(err?.message).toContain("presses[0].plateHeightMm");
  });

  it("refuses two names that are one name once Unicode form, case and spaces are folded", () => {
    const twice = (a: string, b: string) =>
      `presses:\n  - { name: "${a}", plateWidthMm: 510, plateHeightMm: 400 }\n  - { name: "${b}", plateWidthMm: 510, plateHeightMm: 400 }\n`;
    expect(() => parseSettingsYaml(twice("GTO 52", "gto\u00a0 52"))).toThrow(/presses\[1\]\.name/);
    expect(() => parseSettingsYaml(twice("Йорк", "ЙОРК".normalize("NFD")))).toThrow(/presses\[1\]\.name/);
    expect(() => parseSettingsYaml(twice("GTO", "GTO 52"))).not.toThrow();
  });

  it("refuses references to targets that do not exist", () => {
    expect(() => parseSettingsYaml(`${MINIMAL}  - { name: Korol, target: nowhere }\n`)).toThrow(
      /bureaus\[1\]\.target/,
    );
  });

  it("takes a reference to a target spelt in another case, form or spacing (one name matcher)", () => {
    const yaml = `presses:\n  - { name: Ryobi, plateWidthMm: 510, plateHeightMm: 400, previewTarget: "ПРЕСС  фтп" }\nbureaus:\n  - { name: Оттиск, target: "ЙОШКАР-CTP" }\ntargets:\n  - { name: "пресс фтп", url: "ftp://a@b/" }\n  - { name: "${"йошкар-ctp".normalize("NFD")}", url: "ftp://a@c/" }\n`;
    expect(() => parseSettingsYaml(yaml)).not.toThrow();
    expect(() => parseSettingsYaml(yaml.replace("ЙОШКАР-CTP", "ЙОШКАР-CT"))).toThrow(/bureaus\[0\]\.target/);
  });

  it("refuses broken YAML with the line", () => {
    expect(() => parseSettingsYaml("presses: [\n  - {")).toThrow(SettingsError);
  });

  it("round-trips through the database: import, export, import gives the same settings, secrets sealed", async () => {
    ctx = await tempContext();
    await ctx.settingsRepo.save(parseSettingsYaml(FULL));
    const exported = settingsToYaml(await ctx.settingsRepo.getSealed());
    expect(exported).not.toContain("s3cret-pass");
    expect(exported).not.toContain("123:ABC-token");
    expect(exported).toContain("enc:v1:");
    await ctx.settingsRepo.save(parseSettingsYaml(exported));
    const back = await ctx.settingsRepo.get();
    expect(back).toEqual(parseSettingsYaml(FULL));
    expect(back.targets[0].password).toBe("s3cret-pass");
  });

  it("keeps the old settings when an import is refused (nothing half-imported)", async () => {
    ctx = await tempContext();
    await ctx.settingsRepo.save(parseSettingsYaml(FULL));
    await expect(ctx.settingsRepo.save({ presses: [{ name: "X", plateWidthMm: "no" }] })).rejects.toThrow(
      SettingsError,
    );
    expect((await ctx.settingsRepo.get()).presses.map((p) => p.name)).toEqual(["Speedmaster", "Planeta"]);
  });

  it("CLI: config import then export prints the same document; a bad file exits 2 and imports nothing", async () => {
    const { execFileSync, spawnSync } = await import("node:child_process");
    const dir = tempDir();
    const good = path.join(dir, "good.yaml");
    const bad = path.join(dir, "bad.yaml");
    fs.writeFileSync(good, MINIMAL);
    fs.writeFileSync(bad, "presses:\n  - { name: X, plateWidthMm: 0 }\n");
    const env = { ...process.env, PDFUPLOAD_DATA: path.join(dir, "data") };
    const bin = path.resolve("bin/pdfupload.js");
    execFileSync(process.execPath, [bin, "config", "import", good], { env });
    const out = execFileSync(process.execPath, [bin, "config", "export"], { env, encoding: "utf8" });
    expect(parseSettingsYaml(out)).toEqual(parseSettingsYaml(MINIMAL));
    const r = spawnSync(process.execPath, [bin, "config", "import", bad], { env, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("presses[0].plateWidthMm");
    expect(r.stderr).toContain("presses[0].plateHeightMm");
    const after = execFileSync(process.execPath, [bin, "config", "export"], { env, encoding: "utf8" });
    expect(parseSettingsYaml(after)).toEqual(parseSettingsYaml(MINIMAL));
  });

  it("an empty settings file, or one without presses or bureaus, never empties the shop", async () => {
    const { execFileSync, spawnSync } = await import("node:child_process");
    const dir = tempDir();
    const env = { ...process.env, PDFUPLOAD_DATA: path.join(dir, "data"), LOG_LEVEL: "warn" };
    const bin = path.resolve("bin/pdfupload.js");
    const file = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const full = file("full.yaml", FULL);
    execFileSync(process.execPath, [bin, "config", "import", full], { env });
    const exported = () =>
      parseSettingsYaml(execFileSync(process.execPath, [bin, "config", "export"], { env, encoding: "utf8" }));
    const before = exported();
    expect(before.presses).toHaveLength(2);
    const refused = [
      ["empty.yaml", "", /the file is empty/],
      ["comments.yaml", "# nothing here\n\n", /the file is empty/],
      ["no-presses.yaml", "bureaus:\n  - { name: Leonov }\n", /presses: missing — at least one press/],
      ["no-bureaus.yaml", MINIMAL.replace(/bureaus:[\s\S]*/, ""), /bureaus: missing — at least one bureau/],
      ["broken.yaml", "presses: [\n", /line 1|line 2/],
    ] as const;
    for (const [name, text, why] of refused) {
      const f = file(name, text);
      // The server refuses to start on it, says why and that the database keeps its settings.
      const start = spawnSync(process.execPath, [bin, "start"], {
        env: { ...env, PDFUPLOAD_CONFIG: f, PORT: "0" },
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(start.status, `${name}: ${start.stderr}`).not.toBe(0);
      expect(start.stderr).toMatch(why);
      expect(start.stderr).toContain("The settings in the database are kept");
      expect(exported(), name).toEqual(before);
      // `config import` refuses it too.
      const imp = spawnSync(process.execPath, [bin, "config", "import", f], { env, encoding: "utf8" });
      expect(imp.status, name).toBe(2);
      expect(imp.stderr).toMatch(why);
      expect(exported(), name).toEqual(before);
    }
    // Emptying the shop on purpose needs --reset.
    const empty = file("reset.yaml", "");
    execFileSync(process.execPath, [bin, "config", "import", "--reset", empty], { env });
    const after = exported();
    expect([after.presses.length, after.bureaus.length]).toEqual([0, 0]);
  }, 120_000);
});
