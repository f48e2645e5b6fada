// In real Chromium against the real server, in Russian: a sheet whose bureau is unknown shows as
// "нужно бюро" in the journal, the operator picks the bureau on the job page and the original goes
// out without a re-upload; a sheet with a blank plate shows its warning at a glance in the journal
// row, worded, and on the job page.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSheet, PROCESS, testSettings, threeMarks } from "../fixtures/signa.ts";
import {
  dropInto,
  ensureUiBuilt,
  jobIn,
  jobRow,
  launch,
  login,
  newContext,
  type Server,
  shot,
  startServer,
  until,
} from "./harness.ts";

let server: Server;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let shared: string;

const NOWHERE = "0711_Каталог_зима.pdf";
const BLANK = "0712_Плакат_Leonov.pdf";

const row = (file: string) => jobRow(page, file);

const jobOf = (file: string, statuses: string[]) => jobIn(server, file, statuses, 120_000);

beforeAll(async () => {
  await ensureUiBuilt();
  server = await startServer();
  shared = fs.mkdtempSync(path.join(os.tmpdir(), "pdfupload-e2e-bureau-"));
  const s = testSettings({ targets: [{ name: "leonov-share", url: `file://${shared}` }] });
  for (const b of s.bureaus) b.target = "leonov-share";
  await server.ctx.settingsRepo.save(s);
  const input = path.join(server.dataDir, "input");
  dropInto(input, NOWHERE, await buildSheet({ pages: 1, marks: threeMarks({ bureau: "Нигде" }) }));
  dropInto(
    input,
    BLANK,
    await buildSheet({
      colorants: [...PROCESS, "PANTONE 185 C"],
      pages: [{}, { paintSpots: [] }],
      marks: threeMarks({ bureau: "Leonov" }),
    }),
  );
  await jobOf(NOWHERE, ["needs-bureau"]);
  await jobOf(BLANK, ["done"]);
  browser = await launch();
  context = await newContext(browser, server.url, "ru-RU");
  page = await context.newPage();
  await page.goto("/");
  await login(page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (shared) fs.rmSync(shared, { recursive: true, force: true });
});

describe("a job that needs a bureau, and warnings at a glance", () => {
  it("shows the blank plate in the journal row and on the job page, in words", async () => {
    await page.goto("/?from=");
    const r = row("0712_");
    const badge = r.locator("[data-testid=warnings]");
    await expect(badge.textContent()).resolves.toBe("1 предупреждение");
    await badge.hover();
    await expect(r.locator(".warning-details").textContent()).resolves.toContain(
      "Форма PANTONE 185 C на листе 2 пустая: заплатим за пустую форму",
    );
    await r.locator(".file-link").click();
    await page.locator("[data-testid=job-warnings]").waitFor();
    await expect(page.locator("[data-testid=job-warnings]").textContent()).resolves.toContain(
      "Форма PANTONE 185 C на листе 2 пустая",
    );
    // Nothing is missing, so nothing to remake.
    expect(await page.locator("[data-testid=remake]").count()).toBe(0);
  });

  it("waits as «нужно бюро»; the operator picks one on the job page and the original goes out", async () => {
    await page.goto("/?from=");
    const r = row("0711_");
    await expect(r.locator("[data-status=needs-bureau]").textContent()).resolves.toBe("нужно бюро");
    await r.locator(".file-link").click();
    const form = page.locator("[data-testid=pick-bureau]");
    await form.waitFor();
    await shot(page, "needs-bureau-job-page");
    await form.locator("select").selectOption("Leonov");
    await form.locator("button[type=submit]").click();
    const done = await jobOf(NOWHERE, ["done"]);
    expect(done.bureau).toBe("Leonov");
    await until(() => fs.existsSync(path.join(shared, NOWHERE)), "the original at the bureau's share");
    expect(fs.statSync(path.join(shared, NOWHERE)).size).toBe(done.size);
    await until(async () => (await form.count()) === 0, "the picker gone once the job went on");
    await page.goto("/?from=");
    expect(await row("0711_").locator("[data-status=needs-bureau]").count()).toBe(0);
  });
});
