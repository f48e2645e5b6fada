// Clock jumps. The system clock cannot be changed safely on a shared machine, so Date is faked
// (vi.setSystemTime; timers stay real) around a real SQLite store and the real runner. Retries and
// delivery retries are scheduled in wall-clock time (run_after / next_at in the DB), so a jump back
// would hold them for as long as the jump; no delay is ever longer than the backoff caps, so anything
// scheduled further out than that is taken as due. Job time limits use timers (monotonic) and
// ignore jumps.
import fs from "node:fs";
import path from "node:path";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { dataPaths } from "../../src/config/runtime.ts";
import { defaultSettings } from "../../src/config/settings-schema.ts";
import { EventBus } from "../../src/events/event-bus.ts";
import { backoffMs, JobRunner } from "../../src/pipeline/runner.ts";
import { type Step, TransientError } from "../../src/pipeline/step.ts";
import { openStore, type Store } from "../../src/store/db.ts";
import { type JobRow, JobsRepository } from "../../src/store/jobs.repository.ts";
import { note } from "../../src/util/note.ts";
import { tempDir } from "../helpers/temp-app.ts";

const HOUR = 3600_000;

describe("clock jumps", () => {
  let dir: string;
  let store: Store;
  let jobs: JobsRepository;

  beforeAll(async () => {
    dir = tempDir("pdfupload-clock-");
    store = await openStore({ sqlitePath: path.join(dir, "db.sqlite") });
    jobs = new JobsRepository(store.db);
  });
  afterEach(() => vi.useRealTimers());
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function runner(steps: Step[], jobTimeoutSec = 60) {
    return new JobRunner({
      jobs,
      paths: dataPaths(dir),
      events: new EventBus(),
      logger: pino({ level: "silent" }),
      settings: async () => defaultSettings(),
      steps,
      jobTimeoutSec,
    });
  }

  async function claim(): Promise<JobRow | null> {
    return jobs.claimNext("test:1", "sqlite");
  }

  it("a retry scheduled before the clock jumped back is still taken (not held for the jump)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.parse("2030-05-01T12:00:00Z");
    vi.setSystemTime(t0);
    const job = await jobs.create({ fileName: "a.pdf", source: "test", sourcePath: null });
    let calls = 0;
    const flaky: Step = {
      name: "flaky",
      async run() {
        calls++;
        if (calls === 1) throw new TransientError("network down", "ECONNRESET");
        return { info: note("test.ok", "ok") };
      },
    };
    const r = runner([flaky]);
    await r.run((await claim()) as JobRow);
    const queued = (await jobs.get(job.id)) as JobRow;
    expect(queued.status).toBe("queued");
    expect(Date.parse(queued.run_after) - t0).toBe(backoffMs(1));
    expect(await claim()).toBeNull(); // not due yet

    vi.setSystemTime(t0 - 3 * HOUR); // NTP steps the clock back three hours
    const again = await claim();
    expect(again?.id).toBe(job.id);
    await r.run(again as JobRow);
    expect((await jobs.get(job.id))?.status).toBe("done");
  });

  it("a jump forward makes a waiting retry due at once, and nothing runs twice", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.parse("2030-06-01T12:00:00Z");
    vi.setSystemTime(t0);
    const job = await jobs.create({ fileName: "b.pdf", source: "test", sourcePath: null });
    await jobs.update(job.id, { run_after: new Date(t0 + backoffMs(3)).toISOString() });
    expect(await claim()).toBeNull();
    vi.setSystemTime(t0 + 5 * HOUR);
    expect((await claim())?.id).toBe(job.id);
    expect(await claim()).toBeNull();
    await jobs.update(job.id, { status: "done", locked_by: null });
  });

  it("a genuine short delay is still honoured (the clamp only ignores delays no backoff makes)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.parse("2030-07-01T12:00:00Z");
    vi.setSystemTime(t0);
    const job = await jobs.create({ fileName: "c.pdf", source: "test", sourcePath: null });
    await jobs.update(job.id, { run_after: new Date(t0 + backoffMs(99)).toISOString() }); // the 10 min cap
    expect(await claim()).toBeNull();
    vi.setSystemTime(t0 + backoffMs(99) + 1);
    expect((await claim())?.id).toBe(job.id);
    await jobs.update(job.id, { status: "done", locked_by: null });
  });

  it("the job time limit runs on timers: a clock jump forward mid-step does not stop the job", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse("2030-08-01T12:00:00Z"));
    const job = await jobs.create({ fileName: "d.pdf", source: "test", sourcePath: null });
    const jumpy: Step = {
      name: "jumpy",
      async run() {
        vi.setSystemTime(Date.now() + 10 * HOUR);
        await new Promise((r) => setTimeout(r, 300));
        return { info: note("test.ok", "ok") };
      },
    };
    await runner([jumpy], 5).run((await claim()) as JobRow);
    const after = (await jobs.get(job.id)) as JobRow;
    expect(after.status).toBe("done");
    expect(after.error_code).toBeNull();
  });

  it("a delivery retry scheduled before a jump back is due, and can be claimed", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.parse("2030-09-01T12:00:00Z");
    vi.setSystemTime(t0);
    const job = await jobs.create({ fileName: "e.pdf", source: "test", sourcePath: null });
    const d = await jobs.addDelivery({
      job_id: job.id,
      kind: "bureau",
      target: "bureau",
      remote_dir: "",
      remote_name: "e.pdf",
      local_path: "/nonexistent",
      state: "pending",
      attempts: 1,
      next_at: new Date(t0 + 30_000).toISOString(),
      error: "timeout",
      reply: null,
      sent_at: null,
    });
    expect((await jobs.dueDeliveries()).map((x) => x.id)).not.toContain(d.id);
    vi.setSystemTime(t0 - 2 * HOUR);
    expect((await jobs.dueDeliveries()).map((x) => x.id)).toContain(d.id);
    expect(await jobs.claimDelivery(d.id, 15 * 60_000, "w1")).toEqual({ interrupted: null });
    expect(await jobs.claimDelivery(d.id, 15 * 60_000, "w2")).toBeNull(); // held by the first claim
  });
});
