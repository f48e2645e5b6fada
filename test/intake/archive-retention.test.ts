import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import { sweepArchive } from "../../src/files/archive-retention.ts";
import { createI18n } from "../../ui/src/i18n/i18n.tsx";
import { tempContext } from "../helpers/temp-app.ts";

let ctx: AppContext;
beforeAll(async () => {
  ctx = await tempContext();
});
afterAll(async () => ctx.close());

async function archived(name: string, daysAgo: number, pendingDelivery = false) {
  const date = new Date(Date.now() - daysAgo * 86400_000).toISOString();
  const job = await ctx.jobs.create({ fileName: name, source: "test", sourcePath: null, fileDate: date });
  const file = path.join(ctx.paths.archive, "2020", "01", `${job.id}_${name}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "%PDF-1.7\n%%EOF\n");
  await ctx.jobs.update(job.id, { status: "done", final_path: file });
  if (pendingDelivery)
    await ctx.jobs.addDelivery({
      job_id: job.id,
      kind: "bureau",
      target: "t",
      remote_dir: "",
      remote_name: name,
      local_path: file,
      state: "pending",
      attempts: 3,
      next_at: date,
      error: "down",
      reply: null,
      sent_at: null,
    });
  return { id: job.id, file };
}

it("removes originals older than the retention, keeps recent ones and those still to be delivered", async () => {
  const old = await archived("old.pdf", 40);
  const recent = await archived("recent.pdf", 5);
  const waiting = await archived("waiting.pdf", 40, true);
  expect(await sweepArchive(ctx.jobs, ctx.paths, 0)).toBe(0); // 0 = keep forever
  expect(fs.existsSync(old.file)).toBe(true);
  expect(await sweepArchive(ctx.jobs, ctx.paths, 30)).toBe(1);
  expect(fs.existsSync(old.file)).toBe(false);
  expect((await ctx.jobs.get(old.id))?.final_path).toBeNull();
  expect(fs.existsSync(recent.file)).toBe(true);
  expect(fs.existsSync(waiting.file)).toBe(true);
  expect((await ctx.jobs.logLines(old.id)).map((l) => l.msg).join()).toContain("30 days");
  // The line is a note: a Russian reader gets it in Russian, with the plural.
  const said = (await ctx.jobs.logLines(old.id)).map((l) => createI18n("ru", "ru-RU", "UAH").said(l.said));
  expect(said).toContain("оригинал удалён из архива через 30 дней");
});
