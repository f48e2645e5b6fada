// The job page's ink zones in real Chromium against the real server: a sheet for a press with ink
// zones on shows one bar chart per separation, worded in the browser's language, and keeps them
// when printed; the admin's press form edits the press's ink zones.
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Analysis } from "../../src/analysis/types.ts";
import { inkZonesSchema } from "../../src/config/settings-schema.ts";
import { buildSheet, testSettings, threeMarks } from "../fixtures/signa.ts";
import { readPpf } from "../ppf/ppf-reader.ts";
import {
  dropInto,
  ensureUiBuilt,
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
let jobId: number;
let analysis: Analysis;

beforeAll(async () => {
  await ensureUiBuilt();
  server = await startServer();
  const s = testSettings();
  const speedmaster = s.presses.find((p) => p.name === "Speedmaster");
  if (speedmaster) speedmaster.inkZones = inkZonesSchema.parse({ count: 32, widthMm: 32.5 });
  await server.ctx.settingsRepo.save(s);
  browser = await launch();
  dropInto(
    path.join(server.dataDir, "input"),
    "0701_Zones_Leonov.pdf",
    await buildSheet({ pages: 1, marks: threeMarks({ bureau: "Leonov" }) }),
  );
  jobId = await until(
    async () => {
      const r = await server.ctx.jobs.list({ q: "0701", limit: 5 });
      const j = r.rows.find((x) => x.status === "done");
      return j?.id;
    },
    "the job done",
    90_000,
  );
  analysis = JSON.parse((await server.ctx.jobs.get(jobId))?.analysis as string) as Analysis;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function jobPage(locale: "en-GB" | "ru-RU"): Promise<Page> {
  const ctx = await newContext(browser, server.url, locale);
  const page = await ctx.newPage();
  await page.goto(`/jobs/${jobId}`);
  await page.locator(".page-card").first().waitFor();
  return page;
}

describe("ink zones on the job page", () => {
  it("one bar chart per separation, in Russian, with the inked zones in its label", async () => {
    const sheet = analysis.sheets[0];
    expect(sheet.inkZones?.count).toBe(32);
    const page = await jobPage("ru-RU");
    const section = page.locator(".page-card .ink-zones");
    await section.waitFor();
    await expect(section.locator("h4").textContent()).resolves.toContain("Красочные зоны");
    await expect(section.locator("h4").textContent()).resolves.toContain("32 зон по 32,5 мм от левого края");
    const charts = section.locator("figure.zone-chart");
    expect(await charts.count()).toBe(sheet.colorants.length);
    expect(await charts.locator("figcaption").allTextContents()).toEqual(sheet.colorants.map((c) => ` ${c}`));
    // ECharts drew each (as SVG: the reports' chart, whose labels are text in the locale).
    await until(
      async () => (await charts.locator(".chart svg").count()) === sheet.colorants.length,
      "charts",
    );
    // The label names the zones that carry ink, with the figures the journal booked.
    const cyan = sheet.inkZones?.separations.Cyan ?? [];
    const first = cyan.findIndex((v) => (v ?? 0) > 0);
    expect(first).toBeGreaterThanOrEqual(0);
    const label = await charts.first().locator("[role=img]").getAttribute("aria-label");
    expect(label).toContain("Cyan по красочным зонам:");
    expect(label).toContain(`${first + 1}: `);
    // The PPF the press gets is one link away, saved rather than shown.
    const link = section.locator("a[download]");
    await expect(link.textContent()).resolves.toBe("Файл CIP3 PPF для машины");
    const res = await page.request.get((await link.getAttribute("href")) as string);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-disposition"]).toMatch(/^attachment/);
    expect(readPpf(await res.body()).separationNames).toEqual(sheet.colorants);
    await shot(page, "job-ink-zones-ru");
    // Printed, the charts stay (small, one per separation).
    await page.emulateMedia({ media: "print" });
    const box = await charts.first().locator(".chart").boundingBox();
    expect(box?.height).toBeGreaterThan(50);
    expect(box?.height).toBeLessThan(200);
    await page.context().close();
  });

  it("speaks English to an English browser", async () => {
    const page = await jobPage("en-GB");
    await expect(page.locator(".ink-zones h4").textContent()).resolves.toContain(
      "32 zones of 32.5 mm from the left edge, front",
    );
    await page.context().close();
  });

  it("the admin's press form shows and saves the press's ink zones", async () => {
    const ctx = await newContext(browser, server.url);
    const page = await ctx.newPage();
    await login(page);
    await page.goto("/admin");
    const count = page.locator('input[name="inkZones.count"]').first();
    await count.waitFor();
    expect(await count.inputValue()).toBe("32");
    await count.fill("28");
    const edge = page.locator('select[name="inkZones.startEdge"]').first();
    expect(await edge.locator("option").allTextContents()).toEqual(["—", "left edge", "right edge"]);
    await edge.selectOption("right");
    await page.getByRole("button", { name: /^save/i }).first().click();
    await until(async () => {
      const s = await server.ctx.settingsRepo.get();
      const z = s.presses.find((p) => p.name === "Speedmaster")?.inkZones;
      return z?.count === 28 && z.startEdge === "right";
    }, "the ink zones saved");
    await ctx.close();
  });
});
