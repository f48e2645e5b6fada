// `pdfupload config import` through the real bin: every problem of a file in one pass, an export from
// a server with another secret.key named secret by secret (never "unable to authenticate data"),
// and a server whose settings a PDFUPLOAD_CONFIG file manages refuses the import.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSettingsYaml } from "../../src/config/settings-file.ts";
import { tempDir } from "../helpers/temp-app.ts";

const dir = tempDir("pdfupload-config-import-");
const bin = path.resolve("bin/pdfupload.js");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A server's data directory (its own secret.key), run through the bin. */
function server(name: string, extra: Record<string, string> = {}) {
  const env = {
    ...process.env,
    PDFUPLOAD_DATA: path.join(dir, name),
    PDFUPLOAD_SECRET_KEY: "",
    PDFUPLOAD_CONFIG: "",
    DATABASE_URL: "",
    ...extra,
  };
  return (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], { env, encoding: "utf8", timeout: 60_000 });
}
const file = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

const SHOP = `
presses:
  - { name: Speedmaster, plateWidthMm: 1030, plateHeightMm: 770, gripperMm: 40, previewTarget: press }
bureaus:
  - { name: Leonov, target: leonov }
targets:
  - { name: leonov, url: "sftp://plates@10.0.0.5/in", password: "s3cret-pass", passphrase: "key-words" }
  - { name: press, url: "file:///srv/press" }
channels:
  telegram: { token: "123:ABC-token" }
`;

describe("pdfupload config import", () => {
  it("lists every problem of a file in one pass: fields, references and missing sections together", () => {
    const cli = server("one-pass");
    const bad = file(
      "bad.yaml",
      `presses:
  - { name: Speedmaster, plateWidthMm: -5, plateHeightMm: 770, colour: red, previewTarget: nowhere }
  - { name: speedmaster, plateWidthMm: 1010, plateHeightMm: 820 }
targets:
  - { name: leonov, url: "gopher://x" }
`,
    );
    const r = cli("config", "import", bad);
    expect(r.status).toBe(2);
    for (const p of [
      "presses[0].plateWidthMm",
      "presses[0].colour",
      "presses[0].previewTarget",
      "presses[1].name",
      "targets[0].url",
      "bureaus: missing — at least one bureau",
    ])
      expect(r.stderr, p).toContain(p);
    expect(r.stderr).toContain("settings refused, 6 problem(s)");
    expect(r.stderr).toContain("Nothing was imported.");
  });

  it("names each secret an export from another server's key carries, says how to fix it, imports nothing", () => {
    const a = server("server-a");
    expect(a("config", "import", file("shop.yaml", SHOP)).status).toBe(0);
    const exported = a("config", "export").stdout;
    expect(exported).toContain("enc:v1:"); // sealed with server A's key
    const exportFile = file("export-a.yaml", exported);

    // Server A itself takes its own export back.
    const again = a("config", "import", exportFile);
    expect(again.status, again.stderr).toBe(0);

    // Server B has another secret.key: every foreign secret is named, with the way out; a field
    // problem in the same file is listed in the same pass.
    const b = server("server-b");
    const withTypo = file("export-a-typo.yaml", exported.replace("gripperMm: 40", "gripperMm: -1"));
    const r = b("config", "import", withTypo);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(/Unsupported state|unable to authenticate/);
    for (const p of [
      "targets[0].password",
      "targets[0].passphrase",
      "channels.telegram.token",
      "presses[0].gripperMm",
    ])
      expect(r.stderr, p).toContain(p);
    expect(r.stderr).toContain("sealed with another server's secret.key");
    expect(r.stderr).toContain("plain text");
    expect(r.stderr).not.toContain("--reset"); // nothing here would empty the shop
    expect(b("config", "export").stdout).not.toContain("leonov"); // nothing imported

    // As PDFUPLOAD_CONFIG the same export stops server B from starting, with the same words.
    const start = spawnSync(process.execPath, [bin, "start"], {
      env: {
        ...process.env,
        PDFUPLOAD_DATA: path.join(dir, "server-b"),
        PDFUPLOAD_SECRET_KEY: "",
        DATABASE_URL: "",
        PDFUPLOAD_CONFIG: exportFile,
        PORT: "0",
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(start.status).not.toBe(0);
    expect(start.stderr).toContain("targets[0].password");
    expect(start.stderr).toContain("sealed with another server's secret.key");
    expect(start.stderr).toContain("The settings in the database are kept.");
    expect(start.stderr).not.toMatch(/Unsupported state|unable to authenticate/);

    // With server A's key copied over, the same export opens.
    fs.copyFileSync(path.join(dir, "server-a", "secret.key"), path.join(dir, "server-b", "secret.key"));
    const ok = b("config", "import", exportFile);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("the whole settings document was replaced");
    expect(parseSettingsYaml(b("config", "export").stdout).targets.map((t) => t.name)).toEqual([
      "leonov",
      "press",
    ]);
  });

  it("is refused while a PDFUPLOAD_CONFIG file manages the settings", () => {
    const managed = file("managed.yaml", SHOP);
    const cli = server("managed", { PDFUPLOAD_CONFIG: managed });
    const r = cli("config", "import", file("other.yaml", SHOP.replace("Speedmaster", "Planeta")));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`managed by PDFUPLOAD_CONFIG (${managed})`);
    expect(r.stderr).toContain("Nothing was imported.");
  });
});
