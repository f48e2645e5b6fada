// Disk full while writing proofs and while archiving, on a real full file system: a small tmpfs
// mounted over <data>/proofs or <data>/archive (needs root, as CI runs: there a failing mount fails
// the test; skipped only for an unprivileged run). The job goes back to the queue with the reason on its timeline, the original stays in work/, and once the
// file system has room again (remount with a larger size) the same job finishes by itself.
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import { asRoot, mountTmpfs, resizeTmpfs, unmount, unmountAll } from "../helpers/small-fs.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";
import { until } from "../helpers/wait.ts";
import { dropSheet, finished, jobNow, shopSettings, timelineOf } from "./harness.ts";

const mount = (dir: string, size: string) => mountTmpfs(dir, size);
const grow = (dir: string, size: string) => resizeTmpfs(dir, size);

describe.skipIf(!asRoot)("disk full (tmpfs)", () => {
  let ctx: AppContext;
  let outside: string;

  beforeAll(async () => {
    outside = tempDir("pdfupload-diskfull-");
    ctx = await tempContext(path.join(outside, "data"));
    await ctx.settingsRepo.save(shopSettings(outside));
    ctx.queue.work(1);
  });
  afterAll(async () => {
    unmountAll();
    await ctx?.close();
    await fsp.rm(outside, { recursive: true, force: true });
  });

  it("while writing proofs: the job waits with the reason, keeps the original, and finishes when space is back", async () => {
    mount(ctx.paths.proofs, "96k");
    try {
      const job = await dropSheet(ctx, path.join(outside, "in"), { imageMb: 1 });
      await until(
        async () =>
          timelineOf(await jobNow(ctx, job.id)).some((t) => t.step === "render" && t.status === "retry"),
        60_000,
        "a render retry",
      );
      const waiting = await jobNow(ctx, job.id);
      expect(waiting.status).not.toBe("failed");
      const retry = timelineOf(waiting).find((t) => t.step === "render" && t.status === "retry");
      expect(retry?.error?.code).toBe("disk-full");
      expect(retry?.error?.message).toMatch(/disk full(:| while) writing (the preview and )?proofs/);
      expect(fs.existsSync(waiting.work_path as string)).toBe(true); // the original is safe in work/
      expect(fs.existsSync(ctx.paths.quarantine) ? fs.readdirSync(ctx.paths.quarantine) : []).toEqual([]);

      grow(ctx.paths.proofs, "64m");
      const done = await finished(ctx, job.id);
      expect(done.status).toBe("done");
      expect(fs.existsSync(done.final_path as string)).toBe(true);
      const outputs = JSON.parse(done.outputs as string);
      expect(outputs.pages[0].proof).toBeTruthy();
      expect(fs.existsSync(path.join(ctx.paths.proofs, String(job.id), outputs.preview))).toBe(true);
    } finally {
      unmount(ctx.paths.proofs);
    }
  }, 150_000);

  it("while archiving: the original stays in work/ (no partial copy) and is archived when space is back", async () => {
    mount(ctx.paths.archive, "64k");
    try {
      const job = await dropSheet(ctx, path.join(outside, "in"), { imageMb: 1 });
      await until(
        async () =>
          timelineOf(await jobNow(ctx, job.id)).some((t) => t.step === "archive" && t.status === "retry"),
        60_000,
        "an archive retry",
      );
      const waiting = await jobNow(ctx, job.id);
      const retry = timelineOf(waiting).find((t) => t.step === "archive" && t.status === "retry");
      expect(retry?.error?.code).toBe("disk-full");
      const size = (await fsp.stat(waiting.work_path as string)).size;
      expect(size).toBeGreaterThan(1024 * 1024);
      // No half-written copy left on the full volume.
      const leftovers = (await fsp.readdir(ctx.paths.archive, { recursive: true })).filter(
        (f) => String(f).endsWith(".pdf") || String(f).includes(".part"),
      );
      expect(leftovers).toEqual([]);

      grow(ctx.paths.archive, "64m");
      const done = await finished(ctx, job.id);
      expect(done.status).toBe("done");
      expect(done.final_path?.startsWith(ctx.paths.archive)).toBe(true);
      expect((await fsp.stat(done.final_path as string)).size).toBe(size);
      expect(fs.existsSync(path.join(ctx.paths.work, String(job.id)))).toBe(false);
      const sent = await ctx.jobs.deliveries(job.id);
      expect(
        sent.find((d) => d.kind === "bureau"),
        JSON.stringify(sent),
      ).toMatchObject({ state: "sent" });
    } finally {
      unmount(ctx.paths.archive);
    }
  }, 150_000);
});
