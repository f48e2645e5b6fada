// Settings that do not bite, in real Chromium against the real server: a target's form shows only
// the fields of its URL's scheme (none of FTP's for a file:// folder), its checkboxes line up, and
// with PDFUPLOAD_CONFIG the admin says the file manages the settings and refuses every edit
// (the file would put itself back at the next start and wipe them).
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptSecret } from "../../src/config/secrets.ts";
import { testSettings } from "../fixtures/signa.ts";
import { ensureUiBuilt, launch, login, newContext, type Server, shot, startServer } from "./harness.ts";

let browser: Browser;
let shareDir: string;

beforeAll(async () => {
  await ensureUiBuilt();
  browser = await launch();
  shareDir = fs.mkdtempSync(path.join(os.tmpdir(), "pdfupload-e2e-settings-"));
}, 180_000);
afterAll(async () => {
  await browser?.close();
  if (shareDir) fs.rmSync(shareDir, { recursive: true, force: true });
});

const card = (page: Page, name: string) =>
  page.locator('.list-editor[data-section="targets"] > fieldset.card', {
    has: page.locator("legend", { hasText: name }),
  });

/** The settings fields a card shows, by their names (the settings document's keys). */
const fieldNames = (page: Page, name: string) =>
  card(page, name)
    .locator(".field-grid [name]")
    .evaluateAll((els) => els.map((e) => e.getAttribute("name")));

describe("the target form", () => {
  let server: Server;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    await server.ctx.settingsRepo.save(
      testSettings({
        targets: [
          { name: "share", url: `file://${shareDir}` },
          { name: "korol-ftps", url: "ftps://plates@127.0.0.1:2121/in", password: "s3cret" },
          { name: "leonov-sftp", url: "sftp://plates@127.0.0.1:2222/in" },
        ],
      }),
    );
    context = await newContext(browser, server.url);
    page = await context.newPage();
    await page.goto("/");
    await login(page);
    await page.goto("/admin/targets");
    await card(page, "share").waitFor();
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await server?.stop();
  });

  it("shows only the fields of the URL's scheme, and follows the URL as it is typed", async () => {
    await shot(page, "admin-targets-schemes");
    expect(await fieldNames(page, "share")).toEqual(["name", "url", "transliterate"]);
    expect(await fieldNames(page, "korol-ftps")).toEqual([
      "name",
      "url",
      "password",
      "timeoutSec",
      "passive",
      "insecureTls",
      "transliterate",
      "ca",
    ]);
    expect(await fieldNames(page, "leonov-sftp")).toEqual([
      "name",
      "url",
      "password",
      "timeoutSec",
      "transliterate",
      "hostKey",
      "privateKey",
      "passphrase",
    ]);
    // The folder becomes an FTP server: its FTP fields appear, no TLS or SSH ones.
    await card(page, "share").locator("input[name=url]").fill("ftp://plates@127.0.0.1/in");
    expect(await fieldNames(page, "share")).toEqual([
      "name",
      "url",
      "password",
      "timeoutSec",
      "passive",
      "transliterate",
    ]);
    await page.locator(".save-bar button", { hasText: "Discard changes" }).click();
    expect(await fieldNames(page, "share")).toEqual(["name", "url", "transliterate"]);
  });

  it("lines up the checkboxes of a row with each other and with the inputs beside them", async () => {
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      const rows = await card(page, "korol-ftps")
        .locator(".field-grid")
        .evaluate((grid) => {
          // Each field's control (input, select, textarea) by the row its field sits in.
          const byRow = new Map<number, { kind: string; top: number; mid: number }[]>();
          for (const field of grid.children) {
            const control = field.querySelector("input, select, textarea");
            if (!control) continue;
            const row = Math.round(field.getBoundingClientRect().top);
            const box = control.getBoundingClientRect();
            const kind = (control as HTMLInputElement).type === "checkbox" ? "checkbox" : "input";
            byRow.set(row, [
              ...(byRow.get(row) ?? []),
              { kind, top: box.top, mid: box.top + box.height / 2 },
            ]);
          }
          return [...byRow.values()];
        });
      await shot(page, `admin-target-checkboxes-${width}`);
      const mixed = rows.filter((r) => r.some((c) => c.kind === "checkbox"));
      expect(mixed.length, `rows with checkboxes at ${width}`).toBeGreaterThan(0);
      for (const r of mixed) {
        const boxes = r.filter((c) => c.kind === "checkbox");
        for (const b of boxes)
          expect(Math.abs(b.top - boxes[0].top), `checkbox tops at ${width}`).toBeLessThanOrEqual(1);
        // A checkbox sits level with the text inputs of its row (their middles), not above or below.
        for (const i of r.filter((c) => c.kind === "input"))
          expect(Math.abs(i.mid - boxes[0].mid), `checkbox vs input at ${width}`).toBeLessThanOrEqual(3);
      }
    }
    await page.setViewportSize({ width: 1366, height: 768 });
  });
});

describe("importing an export from another server", () => {
  let server: Server;
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    server = await startServer();
    await server.ctx.settingsRepo.save(testSettings());
    context = await newContext(browser, server.url);
    page = await context.newPage();
    await page.goto("/");
    await login(page);
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await server?.stop();
  });

  it("names each secret sealed with another key, in words, together with the other problems", async () => {
    const otherKey = crypto.randomBytes(32);
    const yaml = `presses:
  - { name: Speedmaster, plateWidthMm: 1030, plateHeightMm: -770 }
bureaus:
  - { name: Leonov, target: leonov }
targets:
  - { name: leonov, url: "ftp://plates@10.0.0.5/in", password: "${encryptSecret(otherKey, "s3cret")}" }
channels:
  telegram: { token: "${encryptSecret(otherKey, "123:ABC")}" }
`;
    await page.goto("/admin/config");
    await page.locator("#yaml-text").fill(yaml);
    await page.locator("button.primary", { hasText: "Import settings" }).click();
    const dialog = page.locator("dialog.confirm[open]");
    await dialog.waitFor();
    await dialog.locator("button", { hasText: "Import settings" }).click();
    const problems = page.locator("ul.problems li");
    await problems.first().waitFor();
    const lines = await problems.allTextContents();
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.startsWith("presses[0].plateHeightMm:"))).toBeDefined();
    for (const p of ["targets[0].password", "channels.telegram.token"])
      expect(lines.find((l) => l.startsWith(`${p}:`))).toContain("sealed with another server's secret.key");
    expect(lines.join("\n")).not.toMatch(/Unsupported state|authenticate/);
    expect((await server.ctx.settings()).targets).toEqual([]); // nothing imported
  });
});

describe("settings managed by PDFUPLOAD_CONFIG", () => {
  let server: Server;
  let context: BrowserContext;
  let page: Page;
  let file: string;

  beforeAll(async () => {
    file = path.join(shareDir, "pdfupload.yaml");
    fs.writeFileSync(
      file,
      `presses:
  - { name: Speedmaster, plateWidthMm: 1030, plateHeightMm: 770, gripperMm: 40 }
bureaus:
  - { name: Leonov, target: leonov }
targets:
  - { name: leonov, url: "file://${shareDir}" }
  - { name: press, url: "file://${shareDir}" }
`,
    );
    server = await startServer({ PDFUPLOAD_CONFIG: file });
    context = await newContext(browser, server.url, "ru-RU");
    page = await context.newPage();
    await page.goto("/");
    await login(page);
    await page.goto("/admin/targets");
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await server?.stop();
  });

  it("says the file manages the settings, disables every field and has nothing to save", async () => {
    const banner = page.locator("[data-testid=managed-by-file]");
    await banner.waitFor();
    await shot(page, "admin-managed-by-file");
    const words = await banner.textContent();
    expect(words).toContain("Эти настройки задаёт файл");
    expect(words).toContain(file);
    expect(await card(page, "leonov").locator("input[name=url]").isDisabled()).toBe(true);
    expect(await page.locator("button.add").isDisabled()).toBe(true);
    expect(await page.locator(".save-bar").count()).toBe(0);
    // The YAML import is refused too, and says so.
    await page.locator(".tabs a", { hasText: "Импорт / экспорт" }).click();
    await banner.waitFor();
    await page.locator("#yaml-text").fill("presses: []\n");
    expect(await page.locator("button.primary", { hasText: "Загрузить настройки" }).isDisabled()).toBe(true);
    // Users are not in the file: still managed here.
    await page.goto("/admin/users");
    await page.locator("h1").waitFor();
    expect(await banner.count()).toBe(0);
  });

  it("refuses a settings save or import through the API, and the settings stay the file's", async () => {
    const answers = await page.evaluate(async () => {
      const { csrf } = await (await fetch("/api/me")).json();
      const headers = { "content-type": "application/json", "x-csrf-token": csrf };
      const doc = await (await fetch("/api/settings")).json();
      doc.targets = [];
      doc.bureaus[0].target = undefined;
      const put = await fetch("/api/settings", { method: "PUT", headers, body: JSON.stringify(doc) });
      const imp = await fetch("/api/settings/import", {
        method: "POST",
        headers,
        body: JSON.stringify({
          yaml: "presses:\n  - { name: X, plateWidthMm: 1, plateHeightMm: 1 }\nbureaus:\n  - { name: Y }\n",
        }),
      });
      return [
        { status: put.status, body: await put.json() },
        { status: imp.status, body: await imp.json() },
      ];
    });
    for (const a of answers) {
      expect(a.status).toBe(409);
      expect(a.body.error).toMatchObject({ code: "settings-file", file });
    }
    const s = await server.ctx.settings();
    expect(s.targets.map((t) => t.name)).toEqual(["leonov", "press"]);
    expect(s.presses.map((p) => p.name)).toEqual(["Speedmaster"]);
  });
});
