/**
 * End-to-end harness: builds the UI (once per change, shared by test files through a lock), starts
 * the real server in-process (web + worker + hot-folder watcher) on a free port with a temp data
 * directory, and drives Debian's Chromium through playwright-core.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const UI = path.join(ROOT, "ui");
const DIST_INDEX = path.join(UI, "dist", "index.html");
export const SHOTS = path.join(ROOT, "test-results", "screenshots");
export const ADMIN_PASSWORD = "e2e-admin-pass";

function newestMtime(dir: string): number {
  let max = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "dist" || e.name === "node_modules") continue;
    const p = path.join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return max;
}

function runVite(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, "node_modules/vite/bin/vite.js"),
        "build",
        "--config",
        path.join(UI, "vite.config.ts"),
        "--logLevel",
        "warn",
      ],
      {
        cwd: ROOT,
        stdio: ["ignore", "inherit", "inherit"],
      },
    );
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}`)),
    );
  });
}

/** Builds ui/dist unless it is newer than every UI source; one builder at a time (test files run in parallel). */
export async function ensureUiBuilt(): Promise<void> {
  const lock = path.join(os.tmpdir(), "pdfupload-e2e-ui-build.lock");
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes belongs to a dead run.
      const st = fs.statSync(lock, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs > 120_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error("timed out waiting for another UI build");
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    const built = fs.statSync(DIST_INDEX, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (built < newestMtime(UI)) await runVite();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Server {
  url: string;
  dataDir: string;
  ctx: Awaited<ReturnType<typeof import("../../src/cli/serve.command.ts")["startRoles"]>>["ctx"];
  stop(): Promise<void>;
}

/**
 * The real server, all roles in this process; env is read by startRoles, so it is set first. `env`
 * adds variables for this start only (PDFUPLOAD_CONFIG).
 */
export async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pdfupload-e2e-"));
  const port = await freePort();
  process.env.PDFUPLOAD_DATA = dataDir;
  process.env.PORT = String(port);
  process.env.HOST = "127.0.0.1";
  process.env.PDFUPLOAD_ADMIN_PASSWORD = ADMIN_PASSWORD;
  process.env.PDFUPLOAD_STABLE_SEC = "0.3";
  process.env.PDFUPLOAD_RESCAN_SEC = "2";
  process.env.PDFUPLOAD_CONCURRENCY = "1";
  process.env.LOG_LEVEL = "warn";
  delete process.env.DATABASE_URL;
  delete process.env.REDIS_URL;
  delete process.env.PDFUPLOAD_CONFIG;
  Object.assign(process.env, env);
  const { startRoles } = await import("../../src/cli/serve.command.ts");
  const { ctx, stop } = await startRoles({ web: true, worker: true, watch: true }).finally(() => {
    for (const k of Object.keys(env)) delete process.env[k];
  });
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    ctx,
    stop: async () => {
      await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export async function newContext(
  browser: Browser,
  baseURL: string,
  locale: "en-GB" | "ru-RU" = "en-GB",
): Promise<BrowserContext> {
  return browser.newContext({ baseURL, locale, viewport: { width: 1366, height: 768 } });
}

/** Logs in through the form; on a login page already (a redirect with `next`), uses that one. */
export async function login(page: Page, name = "admin", password = ADMIN_PASSWORD): Promise<void> {
  if (!new URL(page.url()).pathname.startsWith("/login")) await page.goto("/login");
  await page.locator("#login-name").fill(name);
  await page.locator("#login-password").fill(password);
  await page.locator("form.login-card button[type=submit]").click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}

export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Writes a file into a folder the way Samba would: a temp name first, then the final name. */
export function dropInto(dir: string, name: string, bytes: Uint8Array): string {
  fs.mkdirSync(dir, { recursive: true });
  const final = path.join(dir, name);
  fs.writeFileSync(final, bytes);
  return final;
}

/** Waits for a condition the server reaches on its own (a job finishing). */
export async function until<T>(
  fn: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  what: string,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The journal row of a file (its name shown as the file link). */
export function jobRow(page: Page, file: string) {
  return page.locator("tr.job-row", { has: page.locator(".file-link", { hasText: file }) });
}

/** Waits until the server's journal holds `file` in one of `statuses`; the row. */
export async function jobIn(server: Server, file: string, statuses: string[], ms = 60_000) {
  return until(
    async () => {
      const { rows } = await server.ctx.jobs.list({ limit: 50 });
      return rows.find((r) => r.file_name === file && statuses.includes(r.status));
    },
    `${file} to be ${statuses.join("/")}`,
    ms,
  );
}
