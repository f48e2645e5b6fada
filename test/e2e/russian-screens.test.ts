// The Russian screens say everything in Russian, in real Chromium against the real server: the
// journal, a job with warnings and delivery reasons, a refused job with its reason and advice, the
// settings, the audit log, the reports and the login error. The server sends codes and values; a
// Latin-only sentence on a ru screen means some server sentence reached the user unworded. File
// names, press/bureau/target names, codes like CMYK, paths and the server's raw log (lang="en") are
// data, not sentences. Numbers follow the locale, charts included; money is in the shop's currency.

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
  launch,
  login,
  newContext,
  type Server,
  startServer,
} from "./harness.ts";

let server: Server;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let shared: string;
const ids: Record<string, number> = {};

const PLAIN = "0801_Визитки_Korol.pdf"; // not Signa (4 plates from its CMYK separations); its bureau has no delivery target
const TEXT = "0802_Прайс_Leonov.pdf"; // not a PDF at all
const MENU = "0803_Меню_Leonov.pdf"; // 5 Signa sheets, CMYK: 5 complects, 20 plates

// A shared 2-core machine: render can wait its turn.
const doneOrFailed = (file: string) => jobIn(server, file, ["done", "failed"], 150_000);

/**
 * Visible texts on the page that read as a Latin-only sentence: three Latin words in a row and no
 * Cyrillic letter in the same element. Raw data is skipped (file names, paths, codes, the English log).
 */
async function latinSentences(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const skip =
      '[lang="en"]:not(html), .mono, code, pre, .file-link, .file-title, script, style, [data-raw]';
    const word = /^[("«]?[A-Za-z][a-z]*[)"»,.;:!?]*$/;
    const bad = new Set<string>();
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>("*"))) {
      if (el.closest(skip) || !el.getClientRects().length) continue;
      // The element's own text (its text children), so each sentence is judged once, where it is.
      const own = Array.from(el.childNodes)
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? "")
        .join(" ")
        .trim();
      const text = (el.textContent || "").trim();
      if (!own || /[А-Яа-яЁёІіЇїЄє]/.test(text)) continue;
      let run = 0;
      for (const tok of own.split(/\s+/)) {
        run = word.test(tok) ? run + 1 : 0;
        if (run >= 3) {
          bad.add(own.slice(0, 160));
          break;
        }
      }
    }
    return [...bad];
  });
}

/** The same page in both languages: ru must be clean, and en proves the check sees server sentences. */
async function checkRu(url: string, wait: string) {
  await page.goto(url);
  await page.locator(wait).first().waitFor();
  await page.waitForLoadState("networkidle");
  return latinSentences(page);
}

beforeAll(async () => {
  await ensureUiBuilt();
  server = await startServer();
  shared = fs.mkdtempSync(path.join(os.tmpdir(), "pdfupload-e2e-ru-"));
  const s = testSettings({ targets: [{ name: "leonov-share", url: `file://${shared}` }] });
  for (const p of s.presses) p.plateCost = 175; // 20 + 4 plates → 4 200 a month
  for (const b of s.bureaus) if (b.name === "Leonov") b.target = "leonov-share";
  await server.ctx.settingsRepo.save(s);
  const input = path.join(server.dataDir, "input");
  dropInto(
    input,
    MENU,
    await buildSheet({ pages: Array.from({ length: 5 }, () => ({ colorants: PROCESS })) }),
  );
  dropInto(input, PLAIN, await buildPlainPdf({ sizeMm: [1030, 770] }));
  dropInto(input, TEXT, Buffer.from("Price list: plain text, not a PDF\n"));
  for (const f of [MENU, PLAIN, TEXT]) ids[f] = (await doneOrFailed(f)).id;
  await server.ctx.users.audit(null, "config.import", { file: "/etc/pdfupload/settings.yaml" });
  browser = await launch();
  context = await newContext(browser, server.url, "ru-RU");
  page = await context.newPage();
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (shared) fs.rmSync(shared, { recursive: true, force: true });
});

describe("the Russian screens", () => {
  it("says a wrong login in Russian only", async () => {
    await page.goto("/login");
    await page.locator("#login-name").fill("admin");
    await page.locator("#login-password").fill("not-the-password");
    await page.locator("form.login-card button[type=submit]").click();
    const error = page.locator("form.login-card [role=alert]");
    await expect(error.textContent()).resolves.toBe("Неверное имя или пароль");
    expect(await latinSentences(page)).toEqual([]);
    await login(page);
  });

  it("words step details with plurals, the non-Signa warning and the bureau without a target", async () => {
    expect(await checkRu(`/jobs/${ids[MENU]}`, "table.timeline")).toEqual([]);
    const analyse = page.locator("table.timeline tr[data-step=analyse] td .step-info");
    await expect(analyse.textContent()).resolves.toBe(
      "5 комплектов, 20 пластин, машина Speedmaster, бюро Leonov",
    );
    // The job's log says the same in words; lines without a code stay marked as the server's English.
    const log = await page.locator("ol.log li").allTextContents();
    const stepLine = /анализ: 5 комплектов, 20 пластин, машина Speedmaster, бюро Leonov \([\d\s\u00a0]+ мс\)/;
    expect(log.some((l) => stepLine.test(l))).toBe(true);

    expect(await checkRu(`/jobs/${ids[PLAIN]}`, "ul.warnings li")).toEqual([]);
    const warnings = await page.locator("ul.warnings li").allTextContents();
    expect(
      warnings.some((w) => w.startsWith("Это не файл Prinect Signa Station (создан в «Adobe InDesign")),
    ).toBe(true);
    const plan = await page.locator("table.timeline tr[data-step=plan] td").last().textContent();
    expect(plan).toContain("оригинал → ? (пропущено: у бюро Korol не указано, куда отправлять)");
    const skipped = await page.locator("[data-delivery] .err").allTextContents();
    expect(skipped).toContain("у бюро Korol не указано, куда отправлять");
    // Sizes in the locale's unit.
    await expect(page.locator(".page-cards").first().textContent()).resolves.toContain("1\u00a0030 × 770 мм");
  });

  it("words a refusal: what went wrong and what to do, from codes", async () => {
    expect(await checkRu(`/jobs/${ids[TEXT]}`, ".notice.error")).toEqual([]);
    await expect(page.locator(".notice.error").textContent()).resolves.toBe(
      "Это не PDF — Это не PDF (файл начинается с «Price list: plai»). Экспортируйте лист из Signa в PDF и сохраните с расширением .pdf.",
    );
  });

  it("shows the journal, settings and audit log in Russian", async () => {
    expect(await checkRu("/?from=", "tr.job-row")).toEqual([]);
    expect(await checkRu("/admin/presses", "fieldset.card")).toEqual([]);
    expect(await checkRu("/admin/general", "input[name=currency]")).toEqual([]);
    await expect(page.locator("input[name=currency]").inputValue()).resolves.toBe("UAH");
    expect(await checkRu("/admin/audit", "table.audit tbody tr")).toEqual([]);
    const rows = await page.locator("table.audit tbody tr").allInnerTexts();
    const imported = rows.find((r) => r.includes("импорт настроек из файла"));
    expect(imported).toContain("система (командная строка)");
    expect(imported).toContain("файл: /etc/pdfupload/settings.yaml");
    expect(rows.find((r) => r.includes("неудачный вход"))).toMatch(/IP: 127\.0\.0\.1/);
    expect(rows.join("\n")).not.toContain("{");
  });

  it("shows reports with locale numbers on the chart axes and money in hryvnias", async () => {
    expect(await checkRu("/reports", ".chart svg")).toEqual([]);
    const axis = await page.locator(".chart").nth(2).locator("svg text").allTextContents();
    // "4 200 ₴"-like labels with the locale's no-break space, never ECharts' own "4,200".
    // (Chromium's ICU says «грн.» for UAH in Russian, Node's says «₴»: either is the locale's own.)
    expect(axis.some((t) => /^\d\u00a0\d{3}\u00a0(₴|грн\.)$/.test(t))).toBe(true);
    expect(axis.some((t) => /\d,\d{3}/.test(t))).toBe(false);
    const totals = await page.locator(".report-table tfoot").allTextContents();
    expect(totals.join(" ")).toMatch(/4\u00a0200,00\u00a0(₴|грн\.)/);
    expect(totals.join(" ")).toContain("24");
  });

  it("would catch an English server sentence: the check flags the English screens", async () => {
    await page.evaluate(() => localStorage.setItem("pdfupload.lang", "en"));
    const found = await checkRu(`/jobs/${ids[PLAIN]}`, "ul.warnings li");
    expect(found.some((s) => s.startsWith("Not a Prinect Signa Station file"))).toBe(true);
    await page.evaluate(() => localStorage.setItem("pdfupload.lang", "ru"));
  });
});
