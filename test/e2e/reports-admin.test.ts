// Reports and admin in real Chromium: login redirect, charts drawn with their numbers beside them,
// year against the previous one; admin edits that survive a reload, refused settings shown by
// field, "test connection", users and roles, YAML export, the audit log; a viewer sees no admin.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signaAnalysis, signaSheet } from "../fixtures/analysis.ts";
import { testSettings } from "../fixtures/signa.ts";
import { ensureUiBuilt, launch, login, newContext, type Server, shot, startServer } from "./harness.ts";

let server: Server;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let shareDir: string;
const YEAR = new Date().getFullYear();

/** Journal rows as the pipeline books them (done, with plates, m² and money), on given days. */
async function seed(day: string, press: string, plates: number, cost: number) {
  const job = await server.ctx.jobs.create({
    fileName: `${day}_${press}.pdf`,
    source: "seed",
    sourcePath: null,
    fileDate: `${day}T10:00:00.000Z`,
  });
  await server.ctx.jobs.update(job.id, {
    status: "done",
    press,
    plates,
    pages: 1,
    plate_area_m2: plates * 0.7931,
    money: plates * cost,
  });
}

/** Filled shapes (bars, line symbols, legend marks) ECharts drew as SVG in one chart. */
async function filledShapes(p: Page, index: number): Promise<number> {
  return p
    .locator(".chart")
    .nth(index)
    .locator("svg path")
    .evaluateAll(
      (paths) =>
        paths.filter((e) => {
          const fill = e.getAttribute("fill");
          return !!fill && !["none", "transparent", "#fff", "#ffffff"].includes(fill.toLowerCase());
        }).length,
    );
}

beforeAll(async () => {
  await ensureUiBuilt();
  server = await startServer();
  shareDir = fs.mkdtempSync(path.join(os.tmpdir(), "pdfupload-e2e-share-"));
  await server.ctx.settingsRepo.save(
    testSettings({ targets: [{ name: "share", url: `file://${shareDir}` }] }),
  );
  await seed(`${YEAR}-01-15`, "Speedmaster", 8, 10);
  await seed(`${YEAR}-01-20`, "Planeta", 4, 12);
  await seed(`${YEAR}-03-02`, "Speedmaster", 5, 10);
  await seed(`${YEAR - 1}-01-10`, "Speedmaster", 3, 10);
  browser = await launch();
  context = await newContext(browser, server.url);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (shareDir) fs.rmSync(shareDir, { recursive: true, force: true });
});

describe("reports", () => {
  it("asks for a login, then draws every chart with its table", async () => {
    await page.goto("/reports");
    await page.waitForURL(/\/login\?next=%2Freports/);
    await login(page);
    await page.waitForURL(/\/reports$/);
    await page.locator(".report-block").nth(3).waitFor();
    expect(await page.locator(".chart svg").count()).toBeGreaterThanOrEqual(4);
    // Bars and symbols: January and March have plates, so each chart draws more than its legend.
    for (let i = 0; i < 4; i++) expect(await filledShapes(page, i)).toBeGreaterThan(3);
    // The numbers beside the charts: January = 8 + 4 plates; per press; the year before.
    const first = page.locator(".report-block").nth(0).locator("tbody tr").nth(0).locator("td");
    await expect(first.nth(0).textContent()).resolves.toBe("12");
    const perPress = page.locator(".report-block").nth(1);
    const heads = await perPress.locator("thead th").allTextContents();
    expect(heads).toEqual(expect.arrayContaining(["Speedmaster", "Planeta"]));
    await expect(
      perPress
        .locator("tfoot td")
        .nth(heads.indexOf("Speedmaster") - 1)
        .textContent(),
    ).resolves.toBe("13");
    const compare = page.locator(".report-block").nth(3).locator("tfoot td");
    await expect(compare.nth(0).textContent()).resolves.toBe("17");
    await expect(compare.nth(1).textContent()).resolves.toBe("3");
    await expect(page.locator(".report-summary").textContent()).resolves.toContain("17 plates");
    await shot(page, "reports");
  });

  it("moves to another year through the picker and the URL", async () => {
    await page.locator(".year-picker button").first().click();
    await page.waitForURL(new RegExp(`year=${YEAR - 1}`));
    await until0(
      () => page.locator(".report-summary").textContent(),
      (t) => !!t?.startsWith(String(YEAR - 1)),
    );
    await expect(page.locator(".report-summary").textContent()).resolves.toContain("3 plates");
  });
});

describe("admin", () => {
  it("adds a press, saves, and it is still there after a reload", async () => {
    await page.goto("/admin/presses");
    const cards = page.locator('.list-editor[data-section="presses"] > fieldset.card');
    await cards.first().waitFor();
    const before = await cards.count();
    await page.locator('.list-editor[data-section="presses"] > button.add').click();
    const card = cards.nth(before);
    await card.getByLabel("Name", { exact: true }).fill("Heidelberg GTO");
    await card.getByLabel("Plate width, mm").fill("510");
    await card.getByLabel("Plate height, mm").fill("400");
    await card.getByLabel("Plate cost", { exact: true }).fill("6.5");
    await expect(page.locator(".save-bar").textContent()).resolves.toContain("Unsaved changes");
    await shot(page, "admin");
    await page.locator(".save-bar button.primary").click();
    await page.locator(".toast-ok", { hasText: "Settings saved." }).waitFor();
    await page.reload();
    await cards.nth(before).waitFor();
    await expect(cards.nth(before).getByLabel("Name", { exact: true }).inputValue()).resolves.toBe(
      "Heidelberg GTO",
    );
    await expect(cards.nth(before).getByLabel("Plate cost", { exact: true }).inputValue()).resolves.toBe(
      "6.5",
    );
    const stored = await server.ctx.settings();
    expect(stored.presses.find((p) => p.name === "Heidelberg GTO")?.plateWidthMm).toBe(510);
  });

  it("shows a refused setting under its field and saves nothing", async () => {
    const cards = page.locator('.list-editor[data-section="presses"] > fieldset.card');
    await cards.nth(1).getByLabel("Name", { exact: true }).fill("Speedmaster"); // the first press's name again
    await page.locator(".save-bar button.primary").click();
    await page.locator(".save-bar .problems").waitFor();
    await expect(cards.nth(1).getByLabel("Name", { exact: true }).getAttribute("aria-invalid")).resolves.toBe(
      "true",
    );
    expect((await server.ctx.settings()).presses[1].name).toBe("Planeta");
    await page.locator(".save-bar button", { hasText: "Discard changes" }).click();
    await expect(cards.nth(1).getByLabel("Name", { exact: true }).inputValue()).resolves.toBe("Planeta");
  });

  it("edits a bureau's plate folders and tests a target's connection", async () => {
    await page.locator(".tabs a", { hasText: "Bureaus" }).click();
    await page.waitForURL(/\/admin\/bureaus$/);
    const leonov = page.locator('.list-editor[data-section="bureaus"] > fieldset.card').first();
    await leonov.locator("button", { hasText: "Add a plate size" }).click();
    await leonov.getByLabel("Folders by plate size 1: plate size").fill("1030x770");
    await leonov.getByLabel("Folders by plate size 1: value").fill("_1030x770");
    await leonov.getByLabel("Folder", { exact: true }).fill("{plateFolder}");
    await leonov.getByLabel("Target", { exact: true }).selectOption("share");
    await page.locator(".save-bar button.primary").click();
    await page.locator(".toast-ok", { hasText: "Settings saved." }).last().waitFor();
    const b = (await server.ctx.settings()).bureaus[0];
    expect(b).toMatchObject({
      folder: "{plateFolder}",
      target: "share",
      plateFolders: { "1030x770": "_1030x770" },
    });

    await page.locator(".tabs a", { hasText: "Targets" }).click();
    const target = page.locator('.list-editor[data-section="targets"] > fieldset.card').first();
    await target.locator("button", { hasText: "Test connection" }).click();
    await expect(target.locator(".target-test output").textContent()).resolves.toContain("Connected");
    fs.rmSync(shareDir, { recursive: true, force: true }); // the share goes away
    await target.locator("button", { hasText: "Test connection" }).click();
    await target.locator(".target-test output.err").waitFor();
    await expect(target.locator(".target-test output").textContent()).resolves.toContain("does not exist");
  });

  it("previews a bureau's rules on a past job before saving them", async () => {
    const job = await server.ctx.jobs.create({
      fileName: "0537_Technoyug_Flier_Leonov.pdf",
      source: "seed",
      sourcePath: null,
    });
    const analysis = signaAnalysis({
      file: "0537_Technoyug_Flier_Leonov.pdf",
      bureau: "Leonov",
      bureauBy: "mark",
      sheets: [signaSheet(1, ["Cyan", "Magenta", "PANTONE Reflex Blue C", "Black"])],
    });
    await server.ctx.jobs.update(job.id, { status: "done", analysis: JSON.stringify(analysis) });
    await page.locator(".tabs a", { hasText: "Bureaus" }).click();
    const leonov = page.locator('.list-editor[data-section="bureaus"] > fieldset.card').first();
    await leonov.getByLabel("File name", { exact: true }).fill("{name}_{plateW}_{plates}Plates{colours}.pdf");
    await leonov.getByLabel("Try on job #").fill(String(job.id));
    await leonov.locator(".rule-preview button").click();
    const out = leonov.locator(".rule-preview output");
    await out.waitFor();
    await expect(out.textContent()).resolves.toContain(
      "0537_Technoyug_Flier_1030_4Plates_CMK-ReflexBlueC.pdf",
    );
    await expect(out.textContent()).resolves.toContain("_1030x770");
    // Nothing was saved by previewing.
    expect((await server.ctx.settings()).bureaus[0].fileName).toBe("{name}.pdf");
    await page.locator(".save-bar button", { hasText: "Discard" }).click();
  });

  it("adds an operator, whose session sees no admin", async () => {
    await page.locator(".tabs a", { hasText: "Users" }).click();
    await page.locator("#nu-name").fill("olga");
    await page.locator("#nu-pass").fill("olga-password-1");
    await page.locator("#nu-role").selectOption("operator");
    await page.locator("form.add-user button[type=submit]").click();
    await page.locator('tr[data-user="olga"]').waitFor();
    const other = await newContext(browser, server.url);
    const p = await other.newPage();
    await login(p, "olga", "olga-password-1");
    await p.locator(".site-header .user").waitFor();
    expect(await p.locator(".site-header nav a", { hasText: "Admin" }).count()).toBe(0);
    await p.goto("/admin");
    await p.locator(".notice.error", { hasText: "Your role does not allow this" }).waitFor();
    await other.close();
  });

  it("a user changes their own password in the header: this session stays, the other one ends; disabled, they cannot log in", async () => {
    const here = await newContext(browser, server.url);
    const there = await newContext(browser, server.url);
    const p = await here.newPage();
    const q = await there.newPage();
    await login(p, "olga", "olga-password-1");
    await login(q, "olga", "olga-password-1");
    await p.locator(".site-header button", { hasText: "Change password" }).click();
    await p.locator("#acc-current").fill("wrong-one");
    await p.locator("#acc-password").fill("olga-password-2");
    await p.locator("#acc-again").fill("olga-password-2");
    await p.locator("form.change-password button[type=submit]").click();
    await p
      .locator("form.change-password .notice.error", { hasText: "The current password is wrong" })
      .waitFor();
    await p.locator("#acc-current").fill("olga-password-1");
    await p.locator("form.change-password button[type=submit]").click();
    await p.locator(".toast", { hasText: "Password changed" }).waitFor();
    await p.reload();
    await expect(p.locator(".site-header .user").textContent()).resolves.toBe("olga");
    await q.reload();
    await q.locator(".site-header a", { hasText: "Log in" }).waitFor();
    await there.close();
    // The admin disables her: the session she kept ends too.
    await page.reload();
    await page.locator('tr[data-user="olga"] button', { hasText: "Disable" }).click();
    await page.locator('tr[data-user="olga"]', { hasText: "disabled" }).waitFor();
    await p.reload();
    await p.locator(".site-header a", { hasText: "Log in" }).waitFor();
    await p.goto("/login");
    await p.locator("#login-name").fill("olga");
    await p.locator("#login-password").fill("olga-password-2");
    await p.locator("form.login-card button[type=submit]").click();
    await p
      .locator(".notice.error, [role=alert]", { hasText: "Wrong user name or password" })
      .first()
      .waitFor();
    await here.close();
  });

  it("exports the settings as YAML and lists the changes in the audit log", async () => {
    await page.locator(".tabs a", { hasText: "Import / export" }).click();
    const href = await page.locator('a[href="/api/settings/export"]').getAttribute("href");
    const yaml = await page.evaluate(async (u) => (await fetch(u as string)).text(), href);
    expect(yaml).toContain("Heidelberg GTO");
    await page.locator(".tabs a", { hasText: "Audit log" }).click();
    const audit = page.locator("table.audit tbody");
    await audit.locator("tr").first().waitFor();
    const actions = await audit.locator("tr td:nth-child(3)").allTextContents();
    expect(actions).toEqual(expect.arrayContaining(["saved settings", "added a user", "logged in"]));
  });

  it("the admin page in Russian", async () => {
    await page.locator(".site-header select[name=lang]").selectOption("ru");
    await page.locator(".tabs a", { hasText: "Машины" }).click();
    await page
      .locator('.list-editor[data-section="presses"] > fieldset.card')
      .first()
      .getByLabel("Ширина пластины, мм")
      .waitFor();
    await expect(page.locator("h1").textContent()).resolves.toBe("Настройки");
    await shot(page, "admin-ru");
    await page.goto(`/reports?year=${YEAR}`);
    await page.locator(".report-block").first().waitFor();
    await expect(page.locator(".report-block h2").first().textContent()).resolves.toBe(
      "Пластины и м² пластин по месяцам",
    );
    await expect(page.locator(".report-block tbody th").first().textContent()).resolves.toBe("январь");
    await page.locator(".site-header select[name=lang]").selectOption("en");
  });
});

async function until0<T>(get: () => Promise<T>, ok: (v: T) => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (ok(await get())) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("condition not reached");
}
