// Quarantine cleaning on real files: what is past the age or size limit is announced first (log,
// the job's journal, /api/health) and removed only after the notice period, with its reason file;
// a limit raised meanwhile keeps it; nothing else is touched.
import fs from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import { type QuarantineLimits, sweepQuarantine } from "../../src/files/quarantine-retention.ts";
import { buildWebApp } from "../../src/web/app.ts";
import { createI18n } from "../../ui/src/i18n/i18n.tsx";
import { tempContext } from "../helpers/temp-app.ts";

const DAY = 86400_000;
const RU = createI18n("ru", "ru-RU", "UAH");
let ctx: AppContext;
let logText = "";
const logger = pino(
  { level: "info" },
  new Writable({
    write(chunk, _e, cb) {
      logText += String(chunk);
      cb();
    },
  }),
);

beforeAll(async () => {
  ctx = await tempContext();
});
afterAll(async () => ctx.close());

/** A failed job whose original sits in the quarantine since `daysAgo`, `mb` large. */
async function quarantined(name: string, daysAgo: number, mb = 0.01) {
  const job = await ctx.jobs.create({ fileName: name, source: "test", sourcePath: null });
  const file = path.join(ctx.paths.quarantine, `${job.id}_${name}`);
  fs.mkdirSync(ctx.paths.quarantine, { recursive: true });
  fs.writeFileSync(file, Buffer.alloc(Math.round(mb * 1024 * 1024), 0x41));
  fs.writeFileSync(`${file}.reason.txt`, `job: ${job.id}\ncode: not-pdf\n`);
  const t = new Date(Date.now() - daysAgo * DAY);
  fs.utimesSync(file, t, t);
  fs.utimesSync(`${file}.reason.txt`, t, t);
  await ctx.jobs.update(job.id, { status: "failed", error_code: "not-pdf", final_path: file });
  return { id: job.id, file };
}
const logOf = async (id: number) => (await ctx.jobs.logLines(id)).map((l) => `${l.level} ${l.msg}`);
const limits = (o: Partial<QuarantineLimits> = {}): QuarantineLimits => ({
  quarantineDays: 90,
  quarantineMaxMb: 0,
  quarantineNoticeHours: 24,
  ...o,
});
const sweep = (l: QuarantineLimits, now = Date.now()) =>
  sweepQuarantine({ jobs: ctx.jobs, paths: ctx.paths, logger }, l, now);

describe("quarantine cleaning", () => {
  it("announces an original past the age limit, keeps it through the notice period, then removes it with its reason", async () => {
    const old = await quarantined("old.pdf", 100);
    const recent = await quarantined("recent.pdf", 10);
    const now = Date.now();
    const first = await sweep(limits(), now);
    expect(first.removed).toEqual([]);
    expect(first.pending.map((p) => [p.name, p.why])).toEqual([[path.basename(old.file), "age"]]);
    expect(fs.existsSync(old.file)).toBe(true);
    expect(logText).toMatch(/"level":40.*quarantine: 1 file\(s\) will be removed/);
    expect((await logOf(old.id)).join("\n")).toMatch(
      /^warn quarantined original will be removed after .*older than 90 days/m,
    );
    // Health shows the warning to a reader.
    const app = await buildWebApp(ctx, { logger: false });
    const health = (await app.inject({ method: "GET", url: "/api/health" })).json();
    await app.close();
    expect(health.quarantine).toEqual({
      toRemove: 1,
      firstRemovalAt: new Date(now + 24 * 3600_000).toISOString(),
    });
    // A sweep within the notice period changes nothing, and does not announce it twice.
    const again = await sweep(limits(), now + 23 * 3600_000);
    expect(again.removed).toEqual([]);
    expect(fs.existsSync(old.file)).toBe(true);
    expect((await logOf(old.id)).filter((l) => l.includes("will be removed"))).toHaveLength(1);
    // After it: removed, reason too, the job says so; the recent one stays.
    const after = await sweep(limits(), now + 25 * 3600_000);
    expect(after.removed).toEqual([path.basename(old.file)]);
    expect(fs.existsSync(old.file)).toBe(false);
    expect(fs.existsSync(`${old.file}.reason.txt`)).toBe(false);
    expect(fs.existsSync(recent.file)).toBe(true);
    expect(fs.existsSync(`${recent.file}.reason.txt`)).toBe(true);
    expect((await ctx.jobs.get(old.id))?.final_path).toBeNull();
    expect((await logOf(old.id)).at(-1)).toBe("warn quarantined original removed (too old)");
    // In the reader's words: the removal time in the locale's date form, the limit with its plural.
    const worded = (await ctx.jobs.logLines(old.id)).map((l) => RU.said(l.said ?? l.msg));
    expect(worded).toEqual([
      expect.stringMatching(
        /^оригинал в карантине будет удалён после \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} \(старше 90 дней\)$/,
      ),
      "оригинал удалён из карантина (слишком старый)",
    ]);
    expect((await sweep(limits(), now + 26 * 3600_000)).pending).toEqual([]);
  });

  it("a limit raised during the notice period keeps the file", async () => {
    const old = await quarantined("kept.pdf", 200);
    const now = Date.now();
    expect((await sweep(limits(), now)).pending.map((p) => p.name)).toEqual([path.basename(old.file)]);
    expect((await sweep(limits({ quarantineDays: 0 }), now + 2 * DAY)).removed).toEqual([]);
    // Limits back: announced anew, a full notice period from now.
    const back = await sweep(limits(), now + 3 * DAY);
    expect(back.removed).toEqual([]);
    expect(back.pending[0].removeAfter).toBe(new Date(now + 3 * DAY + 24 * 3600_000).toISOString());
    expect(fs.existsSync(old.file)).toBe(true);
    fs.rmSync(old.file);
    fs.rmSync(`${old.file}.reason.txt`);
    expect((await sweep(limits(), now + 4 * DAY)).pending).toEqual([]);
  });

  it("over the size limit, the oldest go first until the rest fits", async () => {
    fs.rmSync(ctx.paths.quarantine, { recursive: true, force: true });
    const a = await quarantined("a.pdf", 3, 1);
    const b = await quarantined("b.pdf", 2, 1);
    const c = await quarantined("c.pdf", 1, 1);
    const l = limits({ quarantineDays: 0, quarantineMaxMb: 2.5 });
    const now = Date.now();
    const first = await sweep(l, now);
    expect(first.pending.map((p) => [p.name, p.why])).toEqual([[path.basename(a.file), "size"]]);
    expect(first.bytes).toBeGreaterThan(3 * 1024 * 1024);
    const later = await sweep(l, now + 25 * 3600_000);
    expect(later.removed).toEqual([path.basename(a.file)]);
    expect(later.bytes).toBeLessThanOrEqual(2.5 * 1024 * 1024);
    for (const f of [b.file, c.file]) expect(fs.existsSync(f)).toBe(true);
    expect((await logOf(a.id)).join("\n")).toContain("quarantine over 2.5 MB");
    expect((await logOf(a.id)).at(-1)).toBe("warn quarantined original removed (quarantine full)");
  });
});
