// `pdfupload migrate` (SQLite → PostgreSQL) and `backup` / `restore` through the real CLI, on a
// real SQLite file and a real PostgreSQL: everything arrives with its ids, secrets still open
// with the installation's key, and a second run refuses instead of doubling.
import { execFile } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import { startPostgres, type TestServer } from "../helpers/servers.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";

const execP = promisify(execFile);
const root = tempDir("pdfupload-migrate-");
const sqliteData = path.join(root, "sqlite-data");
let pg: TestServer;
let ids: { first: number; dup: number };

function cli(args: string[], env: Record<string, string>) {
  return execP(process.execPath, [path.resolve("bin/pdfupload.js"), ...args], {
    env: { ...process.env, LOG_LEVEL: "warn", PDFUPLOAD_SECRET_KEY: "", ...env },
    cwd: root,
  });
}
async function cliFails(args: string[], env: Record<string, string>): Promise<string> {
  try {
    await cli(args, env);
  } catch (e) {
    return String((e as { stderr?: string }).stderr);
  }
  throw new Error(`pdfupload ${args.join(" ")} should have failed`);
}

async function fill(ctx: AppContext): Promise<void> {
  await ctx.settingsRepo.save({
    presses: [
      { name: "Speedmaster", plateWidthMm: 1030, plateHeightMm: 770, gripperMm: 42, plateCost: 11.5 },
    ],
    bureaus: [{ name: "Leonov", target: "leonov" }],
    targets: [{ name: "leonov", url: "ftp://leonov@ftp.example:21/in", password: "Пароль-secret" }],
  });
  await ctx.users.add("boss", "boss-pass", "admin");
  const first = await ctx.jobs.create({
    fileName: "0537_Technoyug_Leonov.pdf",
    source: "test",
    sourcePath: null,
  });
  await ctx.jobs.update(first.id, {
    status: "done",
    press: "Speedmaster",
    bureau: "Leonov",
    plates: 8,
    money: 92,
    analysis: '{"pages":2}',
  });
  await ctx.jobs.log(first.id, "info", "render: ok (812 ms)");
  await ctx.jobs.addDelivery({
    job_id: first.id,
    kind: "bureau",
    target: "leonov",
    remote_dir: "_1030x770",
    remote_name: "0537_Technoyug.pdf",
    local_path: "/archive/x.pdf",
    state: "sent",
    attempts: 1,
    next_at: null,
    error: null,
    reply: "226 Transfer complete",
    sent_at: new Date().toISOString(),
  });
  const dup = await ctx.jobs.create({ fileName: "again.pdf", source: "test", sourcePath: null });
  await ctx.jobs.update(dup.id, { status: "duplicate", error_code: "duplicate", duplicate_of: first.id });
  await ctx.users.audit("boss", "settings.save");
  ids = { first: first.id, dup: dup.id };
}

/** The same facts, read through a context on another database. */
async function expectSameJournal(ctx: AppContext): Promise<void> {
  const first = await ctx.jobs.get(ids.first);
  expect(first).toMatchObject({
    file_name: "0537_Technoyug_Leonov.pdf",
    status: "done",
    plates: 8,
    money: 92,
    analysis: '{"pages":2}',
  });
  expect((await ctx.jobs.get(ids.dup))?.duplicate_of).toBe(ids.first);
  expect((await ctx.jobs.deliveries(ids.first)).map((d) => [d.remote_name, d.reply])).toEqual([
    ["0537_Technoyug.pdf", "226 Transfer complete"],
  ]);
  expect((await ctx.jobs.logLines(ids.first)).map((l) => l.msg)).toEqual(["render: ok (812 ms)"]);
  expect((await ctx.settings()).targets[0].password).toBe("Пароль-secret");
  expect(await ctx.users.check("boss", "boss-pass")).toMatchObject({ name: "boss", role: "admin" });
  // New rows continue after the copied ids.
  const next = await ctx.jobs.create({ fileName: "next.pdf", source: "test", sourcePath: null });
  expect(next.id).toBeGreaterThan(ids.dup);
  await ctx.jobs.remove(next.id);
}

beforeAll(async () => {
  pg = await startPostgres();
  const ctx = await tempContext(sqliteData);
  await fill(ctx);
  await ctx.close();
});
afterAll(async () => {
  await pg?.stop();
  await fsp.rm(root, { recursive: true, force: true });
});

describe("pdfupload migrate", () => {
  it("copies journal, settings and users from SQLite into an empty PostgreSQL, and refuses to do it twice", async () => {
    const env = { PDFUPLOAD_DATA: sqliteData };
    const { stdout } = await cli(
      ["migrate", "--from", `sqlite:${path.join(sqliteData, "pdfupload.db")}`, "--to", pg.url],
      env,
    );
    expect(stdout).toMatch(
      /copied 1 users, 1 settings, 2 jobs, 1 deliveries, 0 notifications, 1 job_log, 1 audit from sqlite to postgres/,
    );
    // The PostgreSQL installation uses the same data directory (the same secret key).
    const ctx = await tempContext(sqliteData, { DATABASE_URL: pg.url });
    try {
      expect(ctx.store.engine).toBe("postgres");
      await expectSameJournal(ctx);
    } finally {
      await ctx.close();
    }
    const again = await cliFails(
      ["migrate", "--from", `sqlite:${path.join(sqliteData, "pdfupload.db")}`, "--to", pg.url],
      env,
    );
    expect(again).toMatch(/already holds data \(2 jobs, 1 users, 1 settings\); refusing to merge/);
    expect(await cliFails(["migrate", "--from", "sqlite:/nonexistent/x.db", "--to", pg.url], env)).toMatch(
      /no database at/,
    );
  });
});

describe("pdfupload backup / restore", () => {
  it("writes PostgreSQL to a file and restores it into a fresh SQLite installation, key included on request", async () => {
    const file = path.join(root, "b.jsonl.gz");
    const { stdout } = await cli(["backup", "--out", file, "--with-key"], {
      PDFUPLOAD_DATA: sqliteData,
      DATABASE_URL: pg.url,
    });
    expect(stdout).toContain("2 jobs");
    expect(fs.statSync(file).mode & 0o077).toBe(0); // it holds the key: owner only

    const fresh = path.join(root, "fresh");
    const r = await cli(["restore", file], { PDFUPLOAD_DATA: fresh });
    expect(r.stdout).toMatch(/restored 7 rows .* into sqlite/);
    expect(r.stdout).toMatch(/secret key restored/);
    const ctx = await tempContext(fresh);
    try {
      await expectSameJournal(ctx);
    } finally {
      await ctx.close();
    }
    // A database in use is not overwritten unless asked.
    expect(await cliFails(["restore", file], { PDFUPLOAD_DATA: fresh })).toMatch(/refusing to merge/);
    const forced = await cli(["restore", file, "--force"], { PDFUPLOAD_DATA: fresh });
    expect(forced.stdout).toMatch(/restored 7 rows/);
    expect(
      await cliFails(["restore", path.join(root, "settings-not-a-backup.gz")], { PDFUPLOAD_DATA: fresh }),
    ).toMatch(/ENOENT|not/);
  });

  it("without the key, says that the secrets need the old key", async () => {
    const file = path.join(root, "nokey.jsonl.gz");
    await cli(["backup", "-o", file], { PDFUPLOAD_DATA: sqliteData });
    const other = path.join(root, "other");
    const r = await cli(["restore", file], { PDFUPLOAD_DATA: other });
    expect(r.stdout).toMatch(/sealed with another key/);
    const ctx = await tempContext(other);
    try {
      expect((await ctx.jobs.get(ids.first))?.file_name).toBe("0537_Technoyug_Leonov.pdf");
    } finally {
      await ctx.close();
    }
  });
});
