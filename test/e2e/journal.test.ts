// The journal in real Chromium against the real server: login, live rows from the hot folder,
// proofs, red rows and "send again", filters in the URL, drag-and-drop upload, delete, print view,
// the job page, and the Russian/English UI.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSheet, testSettings, threeMarks } from "../fixtures/signa.ts";
import {
  dropInto,
  ensureUiBuilt,
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
let bureauDir: string;
let pressDir: string;

const FIRST = "0537_Technoyug_Flier_Leonov.pdf";
const SECOND = "0538_Kalendar_Korol.pdf";
const UPLOADED = "0601_Буклет «Весна»_Leonov.pdf";

const row = (file: string) => jobRow(page, file);

async function jobIdOf(file: string): Promise<number> {
  return until(async () => {
    const r = await server.ctx.jobs.list({ q: file.slice(0, 8), limit: 10 });
    return r.rows.find((x) => x.file_name.startsWith(file.replace(/_Leonov|_Korol/, "").replace(".pdf", "")))
      ?.id;
  }, `a job for ${file}`);
}

beforeAll(async () => {
  await ensureUiBuilt();
  server = await startServer();
  const shared = fs.mkdtempSync(path.join(os.tmpdir(), "pdfupload-e2e-targets-"));
  bureauDir = path.join(shared, "bureau"); // created later: until then the bureau's "share" is down
  pressDir = path.join(shared, "press");
  fs.mkdirSync(pressDir);
  const s = testSettings({
    targets: [
      { name: "leonov-share", url: `file://${bureauDir}` },
      { name: "press-share", url: `file://${pressDir}` },
    ],
  });
  for (const p of s.presses) Object.assign(p, { plateCost: 12.5, previewTarget: "press-share" });
  for (const b of s.bureaus) b.target = "leonov-share";
  await server.ctx.settingsRepo.save(s);
  browser = await launch();
  context = await newContext(browser, server.url);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (bureauDir) fs.rmSync(path.dirname(bureauDir), { recursive: true, force: true });
});

describe("journal", () => {
  it("shows the journal and logs in", async () => {
    await page.goto("/");
    await expect(page.locator("h1").textContent()).resolves.toBe("Journal");
    // Not logged in: no upload zone, a login link.
    expect(await page.locator("[data-testid=upload-zone]").count()).toBe(0);
    await login(page);
    await expect(page.locator(".site-header .user").textContent()).resolves.toBe("admin");
    await page.locator("[data-testid=upload-zone]").waitFor();
    // Defaults: the last 60 days in the filter.
    const from = await page.locator("input[name=from]").inputValue();
    const days = (Date.now() - new Date(from).getTime()) / 86_400_000;
    expect(Math.round(days)).toBeGreaterThanOrEqual(60);
    expect(Math.round(days)).toBeLessThanOrEqual(61);
  });

  it("a file dropped in the hot folder appears live and fills in", async () => {
    await page.locator(".live.on").waitFor();
    dropInto(
      path.join(server.dataDir, "input"),
      FIRST,
      await buildSheet({ marks: threeMarks({ bureau: "Leonov" }) }),
    );
    // No reload: the row arrives through the event stream, then fills in step by step.
    await row("0537_Technoyug_Flier").waitFor({ timeout: 15_000 });
    await page.locator('tr.job-row[data-status="done"]').first().waitFor({ timeout: 60_000 });
    const r = row("0537_Technoyug_Flier");
    const cells = r.locator(":scope > td");
    await expect(cells.nth(1).textContent()).resolves.toBe("0537");
    await expect(cells.nth(3).textContent()).resolves.toBe("Speedmaster");
    await expect(cells.nth(4).textContent()).resolves.toBe("2");
    await expect(r.locator(".plates").textContent()).resolves.toBe("10");
    await expect(cells.nth(7).textContent()).resolves.toBe("Leonov");
    // Totals for the shown rows.
    await expect(page.locator('.totals tr[data-press="Speedmaster"] td').nth(1).textContent()).resolves.toBe(
      "10",
    );
    await shot(page, "journal");
  });

  it("shows colours per page on hover and the proof on click", async () => {
    const r = row("0537_Technoyug_Flier");
    await r.locator(".plates").hover();
    await expect(r.locator(".hint-pop").first().textContent()).resolves.toContain("PANTONE Warm Red C");
    // Proofs come from the render step; say what it logged if it made none.
    const id = Number(await r.getAttribute("data-job"));
    const outputs = JSON.parse((await server.ctx.jobs.get(id))?.outputs ?? "{}");
    if (!outputs.pages?.some((pg: { proof: string | null }) => pg.proof)) {
      const log = (await server.ctx.jobs.logLines(id)).map((l) => `${l.level} ${l.msg}`).join("\n");
      throw new Error(`job ${id} has no proofs; its log:\n${log}`);
    }
    const eye = r.locator(".thumb-btn");
    await eye.waitFor({ timeout: 30_000 });
    await eye.hover();
    await r.locator(".thumb-pop img").waitFor({ state: "visible" });
    await eye.click();
    const img = page.locator("dialog.lightbox[open] img.lightbox-img");
    await img.waitFor();
    await until(
      () => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0),
      "the proof image to load",
    );
    await expect(page.locator(".lightbox-bar span").nth(1).textContent()).resolves.toMatch(/1 \/ 2/);
    await shot(page, "proof");
    await page.keyboard.press("Escape");
    await page
      .locator("dialog.lightbox[open]")
      .waitFor({ state: "detached" })
      .catch(() => {});
    expect(await page.locator("dialog.lightbox[open]").count()).toBe(0);
  });

  it("colours the row red while the bureau is unreachable and sends again", async () => {
    const r = row("0537_Technoyug_Flier");
    await until(
      async () => (await r.getAttribute("class"))?.includes("tone-bureau-failed"),
      "a red row",
      30_000,
    );
    const trigger = r.locator(".delivery-cell").first().locator(".hint-trigger");
    await trigger.hover();
    await expect(r.locator(".delivery-cell .hint-pop").first().textContent()).resolves.toContain(
      "does not exist",
    );
    fs.mkdirSync(bureauDir); // the share is back
    await r.locator('.delivery-cell button[aria-label^="Send again"]').click();
    await page.locator(".toast-ok").first().waitFor();
    await until(
      async () => !(await r.getAttribute("class"))?.includes("tone-bureau-failed"),
      "the row to turn normal",
      30_000,
    );
    await expect(r.locator(":scope > td").nth(8).locator(".dstate-text").textContent()).resolves.toBe("sent");
    expect(
      fs
        .readdirSync(bureauDir, { recursive: true })
        .map(String)
        .some((n) => n.endsWith(".pdf")),
    ).toBe(true);
  });

  it("filters: the URL changes and the rows follow", async () => {
    dropInto(
      path.join(server.dataDir, "input"),
      SECOND,
      await buildSheet({ pages: 1, marks: threeMarks({ bureau: "Korol" }) }),
    );
    await row("0538_Kalendar").waitFor({ timeout: 15_000 });
    expect(await page.locator("tr.job-row").count()).toBe(2);

    await page.locator("input[name=q]").fill("0538");
    await page.locator("form.filters button[type=submit]").click();
    await page.waitForURL(/q=0538/);
    await until(async () => (await page.locator("tr.job-row").count()) === 1, "one row");
    await row("0538_Kalendar").waitFor();

    await page.locator("input[name=q]").fill("-0538");
    await page.locator("form.filters button[type=submit]").click();
    await page.waitForURL(/q=-0538/);
    await until(
      async () =>
        (await page.locator("tr.job-row").count()) === 1 && (await row("0537_Technoyug").count()) === 1,
      "the other row",
    );

    await page.locator("input[name=q]").fill("");
    await page.locator("select[name=bureau]").selectOption("Korol");
    await page.locator("form.filters button[type=submit]").click();
    await page.waitForURL(/bureau=Korol/);
    await until(
      async () =>
        (await page.locator("tr.job-row").count()) === 1 && (await row("0538_Kalendar").count()) === 1,
      "Korol's row",
    );

    // A shared link opens the same view; back goes to the previous filter.
    const url = page.url();
    const other = await context.newPage();
    await other.goto(url);
    await other.locator("tr.job-row").first().waitFor();
    expect(await other.locator("tr.job-row").count()).toBe(1);
    await expect(other.locator("select[name=bureau]").inputValue()).resolves.toBe("Korol");
    await other.close();
    await page.goBack();
    await page.waitForURL(/q=-0538/);
    // The form follows the URL after React's next render, not at the instant the URL changes.
    await until(
      async () => (await page.locator("input[name=q]").inputValue()) === "-0538",
      "the filter back in the form",
    );
    await page.locator("form.filters button", { hasText: "Clear" }).click();
    await until(async () => (await page.locator("tr.job-row").count()) === 2, "both rows again");
  });

  it("uploads a PDF dropped on the page", async () => {
    const bytes = Buffer.from(
      await buildSheet({ pages: 1, marks: threeMarks({ bureau: "Leonov" }) }),
    ).toString("base64");
    await page.locator("[data-testid=upload-zone]").evaluate(
      (zone, { b64, name }) => {
        const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bin], name, { type: "application/pdf" }));
        for (const type of ["dragenter", "dragover", "drop"])
          zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      { b64: bytes, name: UPLOADED },
    );
    await page.locator(".toast-ok", { hasText: "Uploaded: 1" }).waitFor();
    await row("0601_Буклет «Весна»").waitFor({ timeout: 15_000 });
    const id = await jobIdOf("0601_Буклет");
    expect((await server.ctx.jobs.get(id))?.source).toBe("upload:admin");
  });

  it("deletes a row only after confirming", async () => {
    const r = row("0601_Буклет «Весна»");
    await until(
      async () => ["done", "failed"].includes((await r.getAttribute("data-status")) ?? ""),
      "the upload to be processed",
    );
    await r.locator('button[aria-label^="Delete"]').click();
    await page.locator("dialog.confirm[open]").waitFor();
    await page.locator("dialog.confirm button", { hasText: "Cancel" }).click();
    expect(await r.count()).toBe(1);
    await r.locator('button[aria-label^="Delete"]').click();
    await page.locator("dialog.confirm button.danger").click();
    await r.waitFor({ state: "detached" });
    await page.reload();
    await page.locator("tr.job-row").first().waitFor();
    expect(await row("0601_Буклет").count()).toBe(0);
  });

  it("prints oldest first", async () => {
    await page.locator("form.filters button", { hasText: "Print" }).click();
    await page.waitForURL(/print=1/);
    await page.locator(".print-table tbody tr").first().waitFor();
    const files = await page.locator(".print-table td.file").allTextContents();
    expect(files[0]).toMatch(/^0537_Technoyug_Flier/);
    expect(files[1]).toMatch(/^0538_Kalendar/);
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".print-actions").isVisible()).toBe(false);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe("rgb(255, 255, 255)");
    await shot(page, "journal-print");
    await page.emulateMedia({ media: "screen" });
    await page.goBack();
  });

  it("job page: facts with how they were found, timeline, pages, deliveries, log", async () => {
    await row("0537_Technoyug_Flier").locator(".file-link").click();
    await page.waitForURL(/\/jobs\/\d+$/);
    const facts = page.locator("dl.facts");
    await facts.waitFor();
    await expect(facts.textContent()).resolves.toContain("from a Signa mark");
    await expect(facts.textContent()).resolves.toContain("900 × 640 mm");
    const steps = await page
      .locator("table.timeline tbody tr")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-step")));
    expect(steps).toEqual(expect.arrayContaining(["intake", "analyse", "render", "deliver"]));
    // Under the render step, where its time went, in words: the separations pass and the proof JPEGs.
    const stages = page.locator('table.timeline tr[data-step="render"] ul.stages');
    await expect(stages.locator('li[data-stage="gs-tiffsep"]').textContent()).resolves.toMatch(
      /^Ghostscript: separations \d/,
    );
    await expect(stages.locator('li[data-stage="proof-jpeg"]').textContent()).resolves.toContain("×2");
    expect(await page.locator(".page-card").count()).toBe(2);
    await page.locator(".page-card").first().locator("img").waitFor();
    await expect(page.locator(".page-card").first().textContent()).resolves.toContain("PANTONE Warm Red C");
    await page.locator('table.deliveries tr[data-state="sent"]', { hasText: "leonov-share" }).waitFor();
    expect(await page.locator("ol.log li").count()).toBeGreaterThan(3);
    await shot(page, "job");
    // The proof opens from a page card.
    await page.locator(".page-card").nth(1).locator("button.thumb-large").click();
    await page.locator("dialog.lightbox[open] img").waitFor();
    await page.keyboard.press("Escape");
  });

  it("speaks Russian to a Russian browser and switches to English", async () => {
    const ru = await newContext(browser, server.url, "ru-RU");
    const p = await ru.newPage();
    await p.goto("/");
    await expect(p.locator("h1").textContent()).resolves.toBe("Журнал");
    await expect(p.locator("html").getAttribute("lang")).resolves.toBe("ru");
    await p.locator("tr.job-row").first().waitFor();
    await expect(p.locator("thead th").first().textContent()).resolves.toBe("Время");
    // Dates in the Russian locale: dd.mm.yyyy.
    await expect(p.locator("tr.job-row time").first().textContent()).resolves.toMatch(/^\d{2}\.\d{2}\.\d{4}/);
    await shot(p, "journal-ru");
    await p.locator(".site-header select[name=lang]").selectOption("en");
    await expect(p.locator("h1").textContent()).resolves.toBe("Journal");
    await p.reload();
    await expect(p.locator("h1").textContent()).resolves.toBe("Journal");
    await ru.close();
  });

  it("fits a phone: nothing but the table scrolls sideways, keyboard reaches the rows", async () => {
    const phone = await browser.newContext({
      baseURL: server.url,
      locale: "en-GB",
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    const p = await phone.newPage();
    await p.goto("/");
    await p.locator("tr.job-row").first().waitFor();
    const widths = await p.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1]);
    await shot(p, "journal-phone");
    // Tab from the top: skip link first, then on to a file link.
    await p.keyboard.press("Tab");
    await expect(p.evaluate(() => document.activeElement?.className)).resolves.toBe("skip");
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await p.keyboard.press("Tab");
      reached = await p.evaluate(() => document.activeElement?.classList.contains("file-link") ?? false);
    }
    expect(reached).toBe(true);
    await p.keyboard.press("Enter");
    await p.waitForURL(/\/jobs\/\d+$/);
    await phone.close();
  });
});
