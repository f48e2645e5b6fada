// The journal's layout in real Chromium, in both languages, with the names a Signa shop really has
// (long, Cyrillic, spaces and underscores) and rows carrying every action: at 1440 px every action
// icon is whole and clickable (inside its button and cell, nothing on top of it); at 1024 px nothing
// scrolls sideways; a file name breaks only after "_", a space, "-" or ".", never inside a word.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testSettings } from "../fixtures/signa.ts";
import { ensureUiBuilt, launch, login, newContext, type Server, shot, startServer } from "./harness.ts";

let server: Server;
let browser: Browser;

const NAMES = [
  "0801_Меню ресторана Осенний сезон 2026 большой тираж_Leonov.pdf",
  "0802_Каталог_продукции_Агрокомплекс_весна-лето_2027_обложка_Korol.pdf",
  "0803_Flyer A4 double sided offset print run_Vonoel.pdf",
  "0804_Календарь_настенный_перекидной_12_листов_Leonov.pdf",
];

/** A finished job as the pipeline books it, with a bureau copy and a press preview that failed. */
async function seed(file: string, i: number) {
  const { jobs } = server.ctx;
  const job = await jobs.create({ fileName: file, source: "test", sourcePath: null });
  await jobs.update(job.id, {
    status: "done",
    press: "Speedmaster",
    bureau: "Leonov",
    pages: 2,
    plates: 8,
    plate_area_m2: 8 * 0.7931,
    money: 8 * 12.5,
    order_no: file.slice(0, 4),
  });
  for (const kind of ["bureau", "press"] as const)
    await jobs.addDelivery({
      job_id: job.id,
      kind,
      target: "gone",
      remote_dir: "",
      remote_name: file,
      local_path: "/nonexistent",
      state: i % 2 ? "failed" : "sent",
      attempts: 3,
      next_at: null,
      error: i % 2 ? "connection refused" : null,
      reply: null,
      sent_at: i % 2 ? null : new Date().toISOString(),
    });
}

beforeAll(async () => {
  await ensureUiBuilt();
  server = await startServer();
  await server.ctx.settingsRepo.save(testSettings());
  for (const [i, f] of NAMES.entries()) await seed(f, i);
  browser = await launch();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** What the check below measures, in the page. */
function measure() {
  const win = window.innerWidth;
  const inside = (a: DOMRect, b: DOMRect) =>
    a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
  const buttons = [
    ...document.querySelectorAll<HTMLElement>(
      "tr.job-row td.actions button, tr.job-row .delivery-cell button",
    ),
  ];
  const icons = buttons.map((b) => {
    const box = b.getBoundingClientRect();
    const cell = (b.closest("td") as HTMLElement).getBoundingClientRect();
    const svg = b.querySelector("svg")?.getBoundingClientRect() ?? null;
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return {
      what: b.getAttribute("aria-label") ?? b.textContent,
      inWindow: box.left >= 0 && box.right <= win,
      inCell: inside(box, cell),
      iconInButton: svg ? inside(svg, box) && svg.width > 4 : true,
      onTop: !!hit && (hit === b || b.contains(hit)),
    };
  });
  // Where each file name's lines end: the character before every line break.
  const breaks = [...document.querySelectorAll<HTMLElement>("tr.job-row .file-link")].map((a) => {
    const text = a.textContent ?? "";
    const ends: string[] = [];
    const range = document.createRange();
    let top: number | null = null;
    let offset = 0;
    const walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (let i = 0; i < (n.textContent ?? "").length; i++) {
        range.setStart(n, i);
        range.setEnd(n, i + 1);
        const r = range.getClientRects()[0];
        if (r && r.width > 0) {
          if (top !== null && r.top > top + 2) ends.push(text[offset - 1] ?? "");
          top = r.top;
        }
        offset++;
      }
    }
    return { text, ends };
  });
  const wrap = document.querySelector(".table-wrap") as HTMLElement;
  return {
    page: { scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth },
    table: { scroll: wrap.scrollWidth, client: wrap.clientWidth },
    icons,
    breaks,
  };
}

describe.each([
  ["en-GB", "en"],
  ["ru-RU", "ru"],
] as const)("the journal's layout (%s)", (locale, lang) => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await newContext(browser, server.url, locale);
    page = await context.newPage();
    await page.goto("/");
    await login(page);
  });
  afterAll(async () => {
    await context?.close();
  });

  it.each([1440, 1024])(
    "at %i px: no sideways scrolling, every action icon whole and on top, names break between words",
    async (width) => {
      await page.setViewportSize({ width, height: 1000 });
      await page.goto("/?from=");
      await page
        .locator("tr.job-row")
        .nth(NAMES.length - 1)
        .waitFor();
      await shot(page, `journal-layout-${lang}-${width}`);
      const m = await page.evaluate(measure);
      expect(m.page.scroll, "page width").toBeLessThanOrEqual(m.page.client);
      expect(m.table.scroll, "table width").toBeLessThanOrEqual(m.table.client + 1);
      // Re-run, delete and "send again" on every row.
      expect(m.icons.length).toBeGreaterThanOrEqual(NAMES.length * 2 + 2);
      for (const i of m.icons)
        expect(i, String(i.what)).toMatchObject({
          inWindow: true,
          inCell: true,
          iconInButton: true,
          onTop: true,
        });
      expect(m.breaks.map((b) => b.text).sort()).toEqual([...NAMES].sort());
      // At 1024 px the long names do wrap, and only between words.
      if (width === 1024) expect(m.breaks.some((b) => b.ends.length > 0)).toBe(true);
      for (const b of m.breaks)
        for (const end of b.ends)
          expect(["_", " ", "-", "."], `${b.text}: a line ends with "${end}"`).toContain(end);
    },
  );
});
