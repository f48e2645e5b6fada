// A full disk as the operator sees it, in real Chromium against the real server: a small tmpfs over
// <data>/proofs fills up, /api/health says which folder lacks room, a banner says it on every page
// (Russian and English), the job shows "waiting: disk full", and once the tmpfs is grown the banner
// goes and the job finishes by itself. Mounting needs root (CI runs as root).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSheet, testSettings, threeMarks } from "../fixtures/signa.ts";
import { asRoot, mountTmpfs, resizeTmpfs, unmountAll } from "../helpers/small-fs.ts";
import {
  dropInto,
  ensureUiBuilt,
  launch,
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

const FILE = "0777_Disk_Full_Leonov.pdf";

describe.skipIf(!asRoot)("disk full in the UI", () => {
  beforeAll(async () => {
    await ensureUiBuilt();
    server = await startServer();
    shared = fs.mkdtempSync(path.join(os.tmpdir(), "pdfupload-e2e-disk-"));
    const s = testSettings({
      targets: [
        { name: "leonov-share", url: `file://${path.join(shared, "bureau")}` },
        { name: "press-share", url: `file://${path.join(shared, "press")}` },
      ],
    });
    for (const d of ["bureau", "press"]) fs.mkdirSync(path.join(shared, d));
    for (const p of s.presses) p.previewTarget = "press-share";
    for (const b of s.bureaus) b.target = "leonov-share";
    await server.ctx.settingsRepo.save(s);
    mountTmpfs(server.ctx.paths.proofs, "128k");
    browser = await launch();
    context = await newContext(browser, server.url, "ru-RU");
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    unmountAll();
    await server?.stop();
    if (shared) fs.rmSync(shared, { recursive: true, force: true });
  });

  it("shows the full folder in health and a banner, the job waiting, and goes on once there is room", async () => {
    await page.goto("/");
    await page.locator(".live.on").waitFor();
    // 128 KB free is below the journal's reserve: the banner shows before any job meets it.
    const banner = page.locator("[data-testid=disk-banner]");
    await banner.waitFor({ timeout: 30_000 });
    await expect(banner.textContent()).resolves.toContain("Задания, которым нужно место, подождут его");
    dropInto(
      path.join(server.dataDir, "input"),
      FILE,
      await buildSheet({ marks: threeMarks({ bureau: "Leonov" }) }),
    );

    // The server's view: the proofs folder is short of room and one job waits for it.
    const health = await until(async () => {
      const h = await (await fetch(`${server.url}/api/health`)).json();
      const need = h.disk?.dirs?.find((d: { role: string }) => d.role === "proofs")?.neededBytes;
      return h.disk?.waiting === 1 && need ? h : null;
    }, "a job waiting for disk space");
    expect(health.status).toBe("degraded");
    const proofs = health.disk.dirs.find((d: { role: string }) => d.role === "proofs");
    // Named inside the data folder: a public answer never shows the server's paths.
    expect(proofs, JSON.stringify(health.disk)).toMatchObject({ dir: "proofs" });
    expect(proofs.freeBytes).toBeLessThanOrEqual(128 * 1024);
    expect(proofs.neededBytes, JSON.stringify(health.disk)).toBeGreaterThan(128 * 1024);
    const id = health.disk.waitingJobs[0] as number;

    // The banner, in Russian, on the journal; the job row says why it waits.
    await until(
      async () => (await banner.textContent())?.includes("1 задание ждёт места на диске"),
      "the banner counting the job",
      30_000,
    );
    await expect(banner.textContent()).resolves.toContain("Диск заполнен");
    await expect(banner.textContent()).resolves.toContain(`Папка просмотров (proofs)`);
    const row = page.locator(`tr.job-row[data-job="${id}"]`);
    await until(
      async () => (await row.textContent())?.includes("ожидание: диск заполнен"),
      "the row showing the wait",
      30_000,
    );
    await shot(page, "disk-full-ru");

    // The job's own page shows the banner and the wait too; in English as well.
    await page.goto(`/jobs/${id}`);
    await banner.waitFor();
    await page.locator(".site-header select[name=lang]").selectOption("en");
    await until(
      async () => (await banner.textContent())?.includes("Disk full"),
      "the English banner",
      10_000,
    );
    await expect(banner.textContent()).resolves.toContain("1 job waits for disk space");
    await expect(banner.textContent()).resolves.toContain(`Proofs folder (proofs)`);
    await expect(page.locator(".badge-waiting").first().textContent()).resolves.toBe("waiting: disk full");
    const job = await server.ctx.jobs.get(id);
    expect(job?.status).not.toBe("failed");
    expect(job?.attempts).toBe(0); // waiting spends no retries

    // Room again: the job goes on by itself, the banner goes.
    resizeTmpfs(server.ctx.paths.proofs, "64m");
    await until(async () => (await server.ctx.jobs.get(id))?.status === "done", "the job done", 90_000);
    await banner.waitFor({ state: "detached", timeout: 30_000 });
    const h = await (await fetch(`${server.url}/api/health`)).json();
    expect(h.disk).toMatchObject({ full: false, dirs: [], waiting: 0 });
    expect(h.status).toBe("ok");
  }, 180_000);
});
