// A delivery whose sender was killed (its `sending_by` left set, no result recorded) is checked at its
// destination before anything is sent again: the file found there is recorded as sent, not copied twice.
import fsp from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import { nowIso } from "../../src/util/time.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";
import { dropSheet, finished, shopSettings } from "./harness.ts";

describe("interrupted delivery", () => {
  let ctx: AppContext;
  let outside: string;
  beforeAll(async () => {
    outside = tempDir("pdfupload-interrupted-");
    ctx = await tempContext(path.join(outside, "data"));
    await ctx.settingsRepo.save(shopSettings(outside));
    ctx.queue.work(1);
  });
  afterAll(async () => {
    await ctx?.close();
    await fsp.rm(outside, { recursive: true, force: true });
  });

  it("finds the file at the destination and records it as sent without a second copy", async () => {
    const job = await dropSheet(ctx, path.join(outside, "in"));
    expect((await finished(ctx, job.id)).status).toBe("done");
    const d = (await ctx.jobs.deliveries(job.id)).find((x) => x.kind === "bureau");
    expect(d?.state).toBe("sent");
    if (!d) return;
    const final = path.join(outside, "bureau", d.remote_name);
    const before = await fsp.stat(final);
    // As a killed sender leaves it: claimed, never recorded.
    await ctx.jobs.updateDelivery(d.id, {
      state: "pending",
      next_at: nowIso(),
      sending_by: "gone-host:1",
      sent_at: null,
    });
    const after = await ctx.deliveries.attempt(d.id);
    expect(after?.state).toBe("sent");
    expect(after?.sending_by).toBeNull();
    expect(after?.reply).toMatch(/found at the destination after an interrupted try by gone-host:1/);
    const now = await fsp.stat(final);
    expect([now.ino, now.mtimeMs]).toEqual([before.ino, before.mtimeMs]); // not copied again
    // Killed mid-copy: the short temp file goes, the file is sent again (once).
    await fsp.rm(final);
    await fsp.writeFile(path.join(outside, "bureau", `.${d.remote_name}.part`), "%PDF-1.7 cut");
    await ctx.jobs.updateDelivery(d.id, { state: "pending", next_at: nowIso(), sending_by: "gone-host:1" });
    const again = await ctx.deliveries.attempt(d.id);
    expect(again?.state).toBe("sent");
    expect(again?.reply).not.toMatch(/found at the destination/);
    expect(
      (await fsp.readdir(path.join(outside, "bureau"))).filter((n) => n.includes(d.remote_name)),
    ).toEqual([d.remote_name]);
    expect((await fsp.stat(final)).size).toBe(before.size);
  }, 120_000);
});
