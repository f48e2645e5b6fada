// A real shop for end-to-end tests: an app context with a hot-folder watcher, the web API (inject),
// a Debian vsftpd as the bureau's and the press's FTP, and a local webhook that records notifications.
import fs from "node:fs";
import fsp from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../src/app/context.ts";
import { startVsftpd, type Vsftpd } from "../../src/delivery/testing/vsftpd.ts";
import { HotFolderWatcher } from "../../src/intake/hot-folder.ts";
import type { JobRow } from "../../src/store/jobs.repository.ts";
import { buildWebApp } from "../../src/web/app.ts";
import { tempContext, tempDir } from "./temp-app.ts";
import { until } from "./wait.ts";

export interface HookCall {
  event: string;
  text: string;
  fields: Record<string, unknown>;
}

export interface HotFtpShop {
  ctx: AppContext;
  app: FastifyInstance;
  ftp: Vsftpd;
  outside: string;
  hooks: HookCall[];
  hookUrl: string;
  /** FTP target fields (url + password) for settings. */
  ftpTarget: { url: string; password: string };
  /** Moves a file into the hot folder and returns its job once the watcher took it. */
  drop(file: string, name?: string): Promise<JobRow>;
  /** Waits until the job is in one of these statuses. */
  settled(id: number, statuses?: string[]): Promise<JobRow>;
  /** Logs in and returns the headers of that session (cookie + CSRF token). */
  login(name: string, password: string): Promise<Record<string, string>>;
  onFtp(...p: string[]): string;
  stop(): Promise<void>;
}

export async function startHotFtpShop(prefix: string, env: Record<string, string> = {}): Promise<HotFtpShop> {
  const outside = tempDir(prefix);
  const hooks: HookCall[] = [];
  const hook = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      hooks.push(JSON.parse(body));
      res.end("ok");
    });
  });
  await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
  const ftp = await startVsftpd();
  const ctx = await tempContext(path.join(outside, "data"), env);
  await ctx.users.add("op", "operator-pass", "operator");
  await ctx.users.add("viewer", "viewer-pass", "viewer");
  const app = await buildWebApp(ctx, { logger: false });
  ctx.queue.work(1);
  const watcher = new HotFolderWatcher(ctx, {
    folders: [{ path: "input", abs: ctx.paths.input, importMode: false, polling: false }],
    stableMs: 300,
    rescanMs: 1000,
  });
  await watcher.start();

  const settled = async (id: number, statuses = ["done", "failed", "needs-bureau"]) => {
    let row: JobRow | undefined;
    await until(
      async () => {
        row = await ctx.jobs.get(id);
        return !!row && statuses.includes(row.status);
      },
      120_000,
      `job ${id} in ${statuses.join("/")}`,
    );
    return row as JobRow;
  };
  return {
    ctx,
    app,
    ftp,
    outside,
    hooks,
    hookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`,
    ftpTarget: { url: `ftp://${ftp.user}@127.0.0.1:${ftp.port}/`, password: ftp.password },
    async drop(file, name = path.basename(file)) {
      await fsp.copyFile(file, path.join(ctx.paths.input, `.${name}.part`));
      // Renamed in whole: the watcher ignores the temp name and sees the finished file once.
      await fsp.rename(path.join(ctx.paths.input, `.${name}.part`), path.join(ctx.paths.input, name));
      let job: JobRow | undefined;
      await until(
        async () => {
          job = (await ctx.jobs.list({ q: name.replace(/\.pdf$/i, "") })).rows.find(
            (r) => r.file_name === name,
          );
          return !!job;
        },
        30_000,
        `${name} taken from the hot folder`,
      );
      return job as JobRow;
    },
    settled,
    async login(name, password) {
      const r = await app.inject({ method: "POST", url: "/api/login", payload: { name, password } });
      if (r.statusCode !== 200) throw new Error(`login ${name}: ${r.statusCode}`);
      const cookie = r.cookies.find((c) => c.name === "pdfupload_session");
      return { cookie: `pdfupload_session=${cookie?.value}`, "x-csrf-token": r.json().csrf as string };
    },
    onFtp: (...p) => path.join(ftp.root, ...p),
    async stop() {
      await watcher.stop();
      await app.close();
      await ctx.close();
      await ftp.stop();
      await new Promise((r) => hook.close(r));
      await fsp.rm(outside, { recursive: true, force: true });
    },
  };
}

/** Writes bytes into the shop's staging folder (outside the hot folder) and returns the path. */
export function stage(shop: HotFtpShop, name: string, bytes: Uint8Array): string {
  const dir = path.join(shop.outside, "staging");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}
