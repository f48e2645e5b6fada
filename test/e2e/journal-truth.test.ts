// The journal tells the truth at a glance, in real Chromium against the real server, in Russian:
// multi-sheet summaries over all sheets, "needs a look" badge and filter, duplicates as their own
// grey state outside the failures and totals, a waiting row for an incomplete file that then fails
// with its reason, the name filter with negated words, confirmation before a bureau gets a file
// again, and a layout that fits 1440 and 1024 px.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlainPdf, buildSheet, PROCESS, testSettings } from "../fixtures/signa.ts";
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

const MULTI = "0701_Меню_ресторана_осень_2026_Leonov.pdf";
const AGAIN = "0702_Меню_ресторана_копия_Leonov.pdf";
const PLAIN = "0703_Визитки_Leonov.pdf";
const EMPTY = "0704_Пустой_Leonov.pdf";

const row = (file: string) => jobRow(page, file);

const jobOf = (file: string, statuses: string[]) => jobIn(server, file, statuses);

beforeAll(async () => {
  await ensureUiBuilt();
  process.env.PDFUPLOAD_INCOMPLETE_SEC = "4";
  server = await startServer();
  delete process.env.PDFUPLOAD_INCOMPLETE_SEC;
  shared = fs.mkdtempSync(path.join(os.tmpdir(), "pdfupload-e2e-truth-"));
  const s = testSettings({ targets: [{ name: "leonov-share", url: `file://${shared}` }] });
  for (const p of s.presses) p.plateCost = 12.5;
  for (const b of s.bureaus) b.target = "leonov-share";
  await server.ctx.settingsRepo.save(s);
  const input = path.join(server.dataDir, "input");
  const spot = "PANTONE 185 C";
  const multi = await buildSheet({
    pages: [
      { colorants: [...PROCESS, spot] },
      { colorants: PROCESS },
      { colorants: PROCESS },
      // A black-only sheet inks black only (CMY artwork there would be a plate Signa does not make).
      { colorants: ["Black"], blackOnly: true },
    ],
  });
  dropInto(input, MULTI, multi);
  await jobOf(MULTI, ["done"]);
  dropInto(input, AGAIN, multi); // the same bytes under another name: a duplicate
  dropInto(input, PLAIN, await buildPlainPdf({ sizeMm: [1030, 770] }));
  await jobOf(AGAIN, ["duplicate"]);
  await jobOf(PLAIN, ["done"]);
  browser = await launch();
  context = await newContext(browser, server.url, "ru-RU");
  page = await context.newPage();
  await page.goto("/");
  await login(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (shared) fs.rmSync(shared, { recursive: true, force: true });
});

describe("the journal tells the truth at a glance", () => {
  it("summarises colours and inks over all sheets, only separations that exist", async () => {
    await page.goto("/?from=");
    const r = row("0701_");
    await expect(r.locator("[data-testid=sheets-summary]").textContent()).resolves.toBe(
      "4 листа · 14 пл. · CMYK + 185 C",
    );
    // Inks: mean per separation over the sheets that have it; no invented spot on CMYK-only sheets.
    const seps = await r
      .locator(".inks-line .ink")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-sep")));
    expect(seps).toEqual(["Cyan", "Magenta", "Yellow", "Black", "PANTONE 185 C"]);
  });

  it("shows a duplicate as its own grey state, not a failure, and leaves it out of the totals", async () => {
    await page.goto("/?from=");
    const r = row("0702_");
    await expect(r.locator(".badge-duplicate").textContent()).resolves.toBe("дубликат");
    expect(await r.getAttribute("class")).toContain("tone-duplicate");
    expect(await r.locator(".badge-failed").count()).toBe(0);
    const api = await (await fetch(`${server.url}/api/jobs?from=&status=failed`)).json();
    expect(api.total).toBe(0);
    const all = await (await fetch(`${server.url}/api/jobs?from=`)).json();
    const jobsCounted = all.totals.reduce((n: number, t: { jobs: number }) => n + t.jobs, 0);
    expect(jobsCounted).toBe(2); // the two done jobs, not the duplicate
    expect(await page.locator("table.totals tfoot td").first().textContent()).toBe("2");
  });

  it("marks a job that needs a look and filters to those", async () => {
    await page.goto("/?from=");
    const plain = row("0703_");
    await expect(plain.locator("[data-testid=attention]").textContent()).resolves.toBe("проверить");
    expect(await row("0701_").locator("[data-testid=attention]").count()).toBe(0);
    await plain.locator("[data-testid=attention]").hover();
    const why = await plain.locator(".attention-details").textContent();
    expect(why).toContain("не из Prinect Signa Station");
    expect(why).toContain("по размеру пластины");
    await page.locator("form.filters input[name=attention]").check();
    await page.locator("form.filters button[type=submit]").click();
    await page.waitForURL((u) => u.searchParams.get("attention") === "1");
    await until(async () => (await page.locator("tr.job-row").count()) === 1, "one row");
    expect(await page.locator("tr.job-row .file-link").textContent()).toContain("0703_");
  });

  it("filters by words, each optionally negated, says so when nothing matches, and takes an empty from=", async () => {
    await page.goto(`/?from=&q=${encodeURIComponent("меню -копия")}`);
    await until(async () => (await page.locator("tr.job-row").count()) === 1, "one row");
    expect(await page.locator("tr.job-row .file-link").textContent()).toContain("0701_");
    await page.goto(`/?from=&q=${encodeURIComponent("ресторана -меню")}`);
    await page.locator("td.empty").waitFor();
    await expect(page.locator("td.empty").textContent()).resolves.toBe("Под эти фильтры заданий нет.");
    const res = await fetch(`${server.url}/api/jobs?from=&to=&press=&q=`);
    expect(res.status).toBe(200);
  });

  it("asks before a re-run or a send again would give the bureau the file a second time", async () => {
    await page.goto("/?from=");
    const r = row("0701_");
    const before = (await jobOf(MULTI, ["done"])).updated_at;
    const sentBefore = (await server.ctx.jobs.deliveries((await jobOf(MULTI, ["done"])).id)).map(
      (d) => d.attempts,
    );
    await r.locator("td.actions button").first().click();
    const dialog = page.locator("dialog.confirm[open]");
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("получит его второй раз");
    await dialog.locator("button", { hasText: "Отмена" }).click();
    await page.waitForTimeout(500);
    const after = await jobOf(MULTI, ["done"]);
    expect(after.updated_at).toBe(before); // nothing re-ran
    // The job page's "send again" of a delivered bureau copy asks too.
    await page.goto(`/jobs/${after.id}`);
    await page.locator("button", { hasText: "Отправить ещё раз" }).first().click();
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("второй раз");
    await dialog.locator("button", { hasText: "Отмена" }).click();
    const deliveries = await server.ctx.jobs.deliveries(after.id);
    expect(deliveries.map((d) => d.attempts)).toEqual(sentBefore); // nothing sent again
  });

  it("fits 1440 px with every action visible and 1024 px without sideways scrolling; names wrap at _", async () => {
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto("/?from=");
      await row("0701_").waitFor();
      await shot(page, `journal-truth-${width}`);
      const fit = await page.evaluate(() => ({
        doc: document.documentElement.scrollWidth,
        // What sticks out, to say so when the check fails.
        wide: [...document.querySelectorAll("body *")]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(0, 8)
          .map(
            (e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().width)}`,
          ),
        win: window.innerWidth,
        wrap: (() => {
          const w = document.querySelector(".table-wrap") as HTMLElement;
          return { scroll: w.scrollWidth, client: w.clientWidth };
        })(),
        actions: [...document.querySelectorAll("td.actions button, .delivery-cell button")].map(
          (b) => b.getBoundingClientRect().right,
        ),
      }));
      expect(fit.doc, `page width at ${width}: ${fit.wide.join(", ")}`).toBeLessThanOrEqual(fit.win);
      expect(fit.wrap.scroll, `table width at ${width}`).toBeLessThanOrEqual(fit.wrap.client + 1);
      for (const right of fit.actions) expect(right).toBeLessThanOrEqual(fit.win);
    }
    // The long name breaks only after "_": every line of the link ends with "_" or the name's end.
    const lines = await row("0701_")
      .locator(".file-link")
      .evaluate((a) => {
        const out: string[] = [];
        let top = Number.NaN;
        for (const span of a.querySelectorAll("span")) {
          const t = span.getBoundingClientRect().top;
          if (t !== top) out.push("");
          top = t;
          out[out.length - 1] += span.textContent;
        }
        return out;
      });
    expect(lines.join("")).toBe(MULTI);
    for (const l of lines.slice(0, -1)) expect(l.endsWith("_")).toBe(true);
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  it("shows an incomplete file within seconds as waiting, then fails it with its reason", async () => {
    await page.goto("/?from=");
    const t0 = Date.now();
    dropInto(path.join(server.dataDir, "input"), EMPTY, new Uint8Array());
    const r = row("0704_");
    await r.locator(".badge-waiting").waitFor({ timeout: 5000 });
    expect(Date.now() - t0).toBeLessThan(5000);
    await expect(r.locator(".badge-waiting").textContent()).resolves.toBe("ожидание: файл не дописан");
    await r.locator(".badge-failed").waitFor({ timeout: 20_000 });
    const failed = await jobOf(EMPTY, ["failed"]);
    expect(failed.error_code).toBe("empty");
  });
});
