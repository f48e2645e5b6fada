// File names, mark text and secrets are data: they never become a path outside our folders, a
// command line or HTML, and secrets never leave in API responses, exports or logs.
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Analysis } from "../../src/analysis/types.ts";
import { type AppContext, createContext } from "../../src/app/context.ts";
import { readRuntime } from "../../src/config/runtime.ts";
import { settingsSchema } from "../../src/config/settings-schema.ts";
import { checkRemoteName, remoteDirSegments } from "../../src/delivery/names.ts";
import { type FtpSrvTest, startFtpSrv } from "../../src/delivery/testing/ftp-srv.ts";
import { planDeliveries } from "../../src/rules/plan.ts";
import { buildWebApp } from "../../src/web/app.ts";
import { signaAnalysis, signaSheet } from "../fixtures/analysis.ts";
import { threeMarks, writeSheet } from "../fixtures/signa.ts";
import { tempDir } from "../helpers/temp-app.ts";
import { until } from "../helpers/wait.ts";

const SECRETS = {
  ftp: "ftp-Pa55-NEVER-SHOWN-1",
  key: "-----BEGIN OPENSSH PRIVATE KEY-----NEVERSHOWN2-----END OPENSSH PRIVATE KEY-----",
  passphrase: "pass-NEVER-SHOWN-3",
  sms: "sms-NEVER-SHOWN-4",
  telegram: "123456:tg-NEVER-SHOWN-5",
  email: "mail-NEVER-SHOWN-6",
  webhook: "hook-NEVER-SHOWN-7",
  admin: "admin-NEVER-SHOWN-8",
  // Typed into a target URL (`ftp://user:PW@host`), %-escaped there: both spellings are secrets.
  url: "url/Pw-NEVER-SHOWN-9",
  urlEscaped: encodeURIComponent("url/Pw-NEVER-SHOWN-9"),
  refused: "refused-NEVER-SHOWN-10",
};
const PLAIN = Object.values(SECRETS);
const leaks = (text: string) => PLAIN.filter((s) => text.includes(s) || text.includes(s.slice(0, 12)));

const HOSTILE_NAME = `0777_<img src=x onerror=alert(1)> $(touch PWNED) ; -dNOSAFER %d %s \`id\` 'q' "dq"_Leonov.pdf`;
const HOSTILE_MARK = `Выведено: Leonov <script>alert(1)</script> $(touch PWNED2)`;

describe("data handling", () => {
  let outside: string;
  let ctx: AppContext;
  let app: FastifyInstance;
  let ftp: FtpSrvTest;
  let logText = "";
  let cookie = "";
  let csrf = "";

  beforeAll(async () => {
    outside = tempDir("pdfupload-datasec-");
    ftp = await startFtpSrv();
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logText += String(chunk);
        cb();
      },
    });
    const runtime = readRuntime({ PDFUPLOAD_DATA: path.join(outside, "data"), PDFUPLOAD_SECRET_KEY: "" });
    ctx = await createContext(runtime, pino({ level: "trace" }, sink));
    app = await buildWebApp(ctx, { logger: false });
    await app.ready();
    await ctx.users.add("boss", SECRETS.admin, "admin");
    const login = await app.inject({
      method: "POST",
      url: "/api/login",
      payload: { name: "boss", password: SECRETS.admin },
    });
    cookie = String(login.headers["set-cookie"]).split(";")[0];
    csrf = login.json().csrf;
    for (const d of ["press"]) fs.mkdirSync(path.join(outside, d), { recursive: true });
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
    await ftp?.stop();
    await fsp.rm(outside, { recursive: true, force: true });
  });

  const admin = (method: "GET" | "PUT" | "POST", url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { cookie, "x-csrf-token": csrf },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  it("secrets saved through the API never come back: settings, export, database, test connection", async () => {
    const doc = {
      presses: [
        {
          name: "Speedmaster",
          plateWidthMm: 1030,
          plateHeightMm: 770,
          gripperMm: 40,
          previewTarget: "press",
        },
      ],
      bureaus: [{ name: "Leonov", target: "bureau" }],
      targets: [
        // A wrong password on purpose: the failure is logged and recorded, the password must not be.
        {
          name: "bureau",
          url: `ftp://${ftp.user}@127.0.0.1:${ftp.port}/in`,
          password: SECRETS.ftp,
          timeoutSec: 5,
        },
        {
          name: "sftp",
          url: "sftp://u@127.0.0.1:1/x",
          privateKey: SECRETS.key,
          passphrase: SECRETS.passphrase,
        },
        { name: "press", url: `file://${path.join(outside, "press")}` },
        // The UI sends the mask for the password field; the URL's password replaces it.
        {
          name: "viaurl",
          url: `ftp://${ftp.user}:${SECRETS.urlEscaped}@127.0.0.1:${ftp.port}/in`,
          password: "********",
        },
      ],
      channels: {
        sms: { login: "shop", password: SECRETS.sms },
        telegram: { token: SECRETS.telegram },
        email: { host: "127.0.0.1", from: "a@b.c", user: "u", password: SECRETS.email },
        webhook: { secret: SECRETS.webhook },
      },
    };
    const put = await admin("PUT", "/api/settings", doc);
    expect(put.statusCode).toBe(200);
    expect(leaks(put.body)).toEqual([]);
    const get = await admin("GET", "/api/settings");
    expect(get.statusCode).toBe(200);
    expect(leaks(get.body)).toEqual([]);
    const exported = await admin("GET", "/api/settings/export");
    expect(exported.statusCode).toBe(200);
    expect(leaks(exported.body)).toEqual([]);
    // Saving back what GET returned (masked) keeps the stored secrets.
    expect((await admin("PUT", "/api/settings", get.json())).statusCode).toBe(200);
    const stored = await ctx.settingsRepo.get();
    expect(stored.targets[0].password).toBe(SECRETS.ftp);
    // The URL's password was moved into the sealed field, and the URL kept without it.
    const viaUrl = stored.targets.find((t) => t.name === "viaurl");
    expect(viaUrl?.url).toBe(`ftp://${ftp.user}@127.0.0.1:${ftp.port}/in`);
    expect(viaUrl?.password).toBe(SECRETS.url);
    expect(get.json().targets.find((t: { name: string }) => t.name === "viaurl").password).toBe("********");
    // At rest: encrypted in the database file.
    const dbBytes = ["", "-wal"]
      .map((s) =>
        fs.existsSync(ctx.paths.sqlite + s) ? fs.readFileSync(ctx.paths.sqlite + s, "latin1") : "",
      )
      .join("");
    expect(leaks(dbBytes)).toEqual([]);
    const test = await admin("POST", "/api/targets/bureau/test");
    expect(test.json().ok).toBe(false); // wrong password
    expect(leaks(test.body)).toEqual([]);
    // The lifted password is the one the server takes.
    ftp.password = SECRETS.url;
    await fsp.mkdir(path.join(ftp.root, "in"), { recursive: true });
    const viaTest = await admin("POST", "/api/targets/viaurl/test");
    expect(viaTest.json(), viaTest.body).toMatchObject({ ok: true });
    expect(leaks(viaTest.body)).toEqual([]);
  });

  it("a refused settings document quotes no secret back; one without targets is a 400, nothing saved", async () => {
    const before = (await admin("GET", "/api/settings")).body;
    const bad = await admin("PUT", "/api/settings", {
      ...JSON.parse(before),
      targets: [
        { name: "x", url: `ftp://u:${SECRETS.refused}@127.0.0.1/in`, timeoutSec: -1 },
        { name: "y", url: "ftp://127.0.0.1/in", password: 12345, privateKey: [SECRETS.refused] },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.problems.map((p: { path: string }) => p.path)).toEqual(
      expect.arrayContaining(["targets[0].timeoutSec", "targets[1].password", "targets[1].privateKey"]),
    );
    expect(leaks(bad.body)).toEqual([]);
    const { targets: _t, ...withoutTargets } = JSON.parse(before);
    const missing = await admin("PUT", "/api/settings", withoutTargets);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ code: "bad-settings", problems: [{ path: "targets" }] });
    expect((await admin("PUT", "/api/settings", [1, 2])).statusCode).toBe(400);
    expect((await admin("GET", "/api/settings")).body).toBe(before);
  });

  it("a hostile file name and mark text go through the whole pipeline as data", async () => {
    ctx.queue.work(1);
    const src = await writeSheet(outside, "upload.pdf", {
      pages: 1,
      marks: [
        ...threeMarks({ bureau: "Leonov" }).filter((m) => m.creationName !== "Outputter"),
        { creationName: "Outputter", text: HOSTILE_MARK },
      ],
    });
    const boundary = "----pdfupload";
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${HOSTILE_NAME.replace(/"/g, "%22")}"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      fs.readFileSync(src),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const up = await app.inject({
      method: "POST",
      url: "/api/uploads",
      headers: { cookie, "x-csrf-token": csrf, "content-type": `multipart/form-data; boundary=${boundary}` },
      payload: body,
    });
    expect(up.statusCode).toBe(201);
    const id = up.json().jobs[0].id as number;
    await until(
      async () => ["done", "failed"].includes((await ctx.jobs.get(id))?.status ?? ""),
      90_000,
      "job finished",
    );
    const job = await app.inject({ method: "GET", url: `/api/jobs/${id}` });
    expect(job.headers["content-type"]).toMatch(/^application\/json/);
    expect(job.headers["x-content-type-options"]).toBe("nosniff");
    // And should anything render as HTML, no script but our own bundle may run.
    expect(job.headers["content-security-policy"]).toMatch(/script-src 'self';/);
    expect(job.headers["content-security-policy"]).not.toContain("unsafe-eval");
    const view = job.json();
    expect(view.status).toBe("done");
    expect(view.file).toContain("<img src=x onerror=alert(1)>"); // kept as text, JSON-encoded, never HTML
    expect(view.analysis.sheets[0].marks.Outputter).toContain("<script>");
    // No command ran, nothing was written outside our folders.
    for (const dir of [outside, process.cwd(), "/tmp"]) {
      expect(fs.existsSync(path.join(dir, "PWNED"))).toBe(false);
      expect(fs.existsSync(path.join(dir, "PWNED2"))).toBe(false);
    }
    const row = await ctx.jobs.get(id);
    expect(path.dirname(row?.final_path as string).startsWith(ctx.paths.archive)).toBe(true);
    // Job files are served by name from the job's own folder only.
    for (const name of ["..%2F..%2Fpdfupload.db", "%2e%2e%2f%2e%2e%2fkey", "..\\..\\pdfupload.db"]) {
      const r = await app.inject({ method: "GET", url: `/api/jobs/${id}/files/${name}` });
      expect([400, 404], name).toContain(r.statusCode);
    }
    // CSV export neutralises a name that a spreadsheet would run as a formula.
    await ctx.jobs.update(id, { file_name: '=HYPERLINK("http://evil")' });
    const csv = await app.inject({ method: "GET", url: "/api/jobs/export.csv" });
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });

  it("an uploaded file name cannot climb out of the upload folder", async () => {
    const names = [
      "../../escape.pdf",
      "..\\..\\escape2.pdf",
      "/etc/escape3.pdf",
      "a/../../../escape4.pdf",
      "....//escape5.pdf",
    ];
    for (const name of names) {
      const boundary = "----x";
      const r = await app.inject({
        method: "POST",
        url: "/api/uploads",
        headers: {
          cookie,
          "x-csrf-token": csrf,
          "content-type": `multipart/form-data; boundary=${boundary}`,
        },
        payload: Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 not really\r\n--${boundary}--\r\n`,
        ),
      });
      expect(r.statusCode, name).toBe(201);
      const j = r.json().jobs[0];
      expect(j.file).not.toMatch(/[/\\]|^\.\.$/);
      const row = await ctx.jobs.get(j.id);
      for (const p of [row?.source_path, row?.work_path, row?.final_path]) {
        if (p) expect(path.resolve(p).startsWith(ctx.paths.root + path.sep), `${name}: ${p}`).toBe(true);
      }
    }
    const all = fs.readdirSync(path.dirname(outside));
    for (const n of ["escape.pdf", "escape2.pdf", "escape3.pdf", "escape4.pdf", "escape5.pdf"])
      expect(all).not.toContain(n);
    expect(fs.existsSync("/etc/escape3.pdf")).toBe(false);
  });

  it("rule templates cannot climb out of the target folder, whatever the file name holds", () => {
    const settings = settingsSchema.parse({
      presses: [
        {
          name: "Speedmaster",
          plateWidthMm: 1030,
          plateHeightMm: 770,
          previewTarget: "t",
          previewFolder: "../../{name}",
          previewName: "../{name}.pdf",
        },
      ],
      bureaus: [
        {
          name: "Leonov",
          target: "t",
          folder: "{orderName}/../../../{name}",
          fileName: "..\\..\\{name}.pdf",
        },
      ],
      targets: [{ name: "t", url: "file:///srv/out" }],
    });
    const fileName = "0537_..\\..\\etc_..%2fpasswd_Leonov.pdf";
    const analysis = signaAnalysis({
      file: fileName,
      plates: 4,
      bureau: "Leonov",
      bureauBy: "mark",
      orderName: "../../../etc/passwd",
      sheets: [signaSheet(1, ["Cyan"], { paperMm: null, paperBy: null })],
    });
    const plans = planDeliveries(analysis, settings, fileName);
    expect(plans.length).toBeGreaterThan(0);
    for (const p of plans) {
      if (p.remoteDir !== null)
        expect(() => remoteDirSegments(p.remoteDir as string), `${p.kind} dir ${p.remoteDir}`).not.toThrow();
      if (p.remoteName !== null)
        expect(() => checkRemoteName(p.remoteName as string), `${p.kind} name ${p.remoteName}`).not.toThrow();
      expect(`${p.remoteDir}/${p.remoteName}`.split(/[/\\]/)).not.toContain("..");
    }
  });

  it("the logs of all the above hold no secret", async () => {
    // A failed delivery (wrong password) was logged at trace level with its error.
    await until(
      async () => logText.includes("delivery") || logText.includes("deliver"),
      10_000,
      "delivery logged",
    );
    expect(logText.length).toBeGreaterThan(1000);
    expect(leaks(logText)).toEqual([]);
  });

  it("no answer of any read route, no database row and no byte of the database file holds a secret", async () => {
    const jobs = await ctx.store.db.selectFrom("jobs").select("id").execute();
    const deliveries = await ctx.store.db.selectFrom("deliveries").select("id").execute();
    expect(jobs.length).toBeGreaterThan(0);
    const urls = [
      "/api/health",
      "/api/lookups",
      "/api/me",
      "/api/settings",
      "/api/settings/export",
      "/api/users",
      "/api/audit",
      "/api/reports",
      "/api/jobs",
      "/api/jobs/export.csv",
      "/api/jobs/export.xlsx",
      "/metrics",
      ...jobs.map((j) => `/api/jobs/${j.id}`),
    ];
    for (const url of urls) {
      const r = await admin("GET", url);
      expect(r.statusCode, url).toBeLessThan(400);
      expect(leaks(r.rawPayload.toString("latin1")), url).toEqual([]);
    }
    expect(deliveries.length).toBeGreaterThan(0);
    const tables = [
      "jobs",
      "job_log",
      "deliveries",
      "notifications",
      "settings",
      "users",
      "sessions",
      "audit",
    ] as const;
    for (const t of tables) {
      const rows = await ctx.store.db.selectFrom(t).selectAll().execute();
      expect(leaks(JSON.stringify(rows)), t).toEqual([]);
    }
    const dbBytes = ["", "-wal"]
      .map((s) =>
        fs.existsSync(ctx.paths.sqlite + s) ? fs.readFileSync(ctx.paths.sqlite + s, "latin1") : "",
      )
      .join("");
    expect(leaks(dbBytes)).toEqual([]);
  });
});
