// A fault in making the preview, proofs or inks never holds the plates back: through the hot folder
// to a real vsftpd, a render time limit every sheet exceeds and a kill -9 of the real Ghostscript
// child both end `done` with warnings, the original at the bureau and the press told why it got no
// preview; "make missing outputs" makes them later without sending the original twice. A sheet whose
// bureau is not configured waits as "needs a bureau" until an operator picks one (role-checked,
// audited), then goes on without a re-upload. Warnings reach `warning` subscribers (a local webhook).
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobWarning } from "../../src/analysis/job-warnings.ts";
import { processesMentioning } from "../../src/pipeline/steps/render/test-reference.ts";
import type { JobRow } from "../../src/store/jobs.repository.ts";
import { noteFromColumn } from "../../src/util/note.ts";
import { buildSheet, threeMarks } from "../fixtures/signa.ts";
import { type HotFtpShop, stage, startHotFtpShop } from "../helpers/hot-ftp.ts";
import { until } from "../helpers/wait.ts";

let shop: HotFtpShop;
let ctx: HotFtpShop["ctx"];
let app: HotFtpShop["app"];

function settings(render: Record<string, unknown>) {
  return {
    presses: [
      {
        name: "Speedmaster",
        plateWidthMm: 1030,
        plateHeightMm: 770,
        gripperMm: 40,
        plateCost: 10,
        previewTarget: "press-ftp",
        previewFolder: "press",
      },
    ],
    bureaus: [{ name: "Leonov", target: "bureau-ftp", folder: "plates", fileName: "{name}_{plates}p.pdf" }],
    targets: [
      { name: "bureau-ftp", ...shop.ftpTarget },
      { name: "press-ftp", ...shop.ftpTarget },
    ],
    recipients: [{ name: "chief", webhookUrl: shop.hookUrl, channels: ["webhook"], events: ["warning"] }],
    channels: { webhook: { secret: "s" } },
    render,
  };
}

let n = 0;
/** Writes a fresh one-sheet Signa file and drops it into the hot folder. */
async function dropIntoHotFolder(bureau: string): Promise<JobRow> {
  n++;
  const name = `06${String(n).padStart(2, "0")}_Fault_${process.pid}.pdf`;
  const bytes = await buildSheet({
    pages: 1,
    marks: threeMarks({ bureau }),
    artworkText: `sheet ${n} ${Date.now()}`,
  });
  return shop.drop(stage(shop, name, bytes));
}

const settled = (id: number, statuses?: string[]) => shop.settled(id, statuses);
const login = (name: string, password: string) => shop.login(name, password);
const warningsOf = (row: JobRow) => (row.warnings ? (JSON.parse(row.warnings) as JobWarning[]) : []);
const onFtp = (...p: string[]) => shop.onFtp(...p);
const hooks = () => shop.hooks;

beforeAll(async () => {
  shop = await startHotFtpShop("pdfupload-render-fault-");
  ({ ctx, app } = shop);
});
afterAll(async () => {
  await shop?.stop();
});

describe("a failed render never holds the plates back", () => {
  it("a render time limit the sheet exceeds: done with warnings, original on the bureau's FTP, press told why", async () => {
    // 50 ms: no Ghostscript pass of a real sheet (preview or separations) finishes in that time.
    await ctx.settingsRepo.save(settings({ timeoutSec: 0.05 }));
    const job = await dropIntoHotFolder("Leonov");
    const row = await settled(job.id);
    expect(row.status).toBe("done");
    expect(row.error_code).toBeNull();
    const codes = warningsOf(row).map((w) => `${w.code}${w.sheet ? `@${w.sheet}` : ""}`);
    expect(codes).toEqual(expect.arrayContaining(["no-preview", "no-proof@1", "no-inks@1"]));
    expect(warningsOf(row).find((w) => w.code === "no-preview")?.reason).toMatch(
      /ran past .* s and was stopped/,
    );
    expect(row.attention).toContain("warnings");
    // The plate count is Signa's, whatever the render did.
    expect(row.plates).toBe(5);

    const [bureau, press] = [...(await ctx.jobs.deliveries(job.id))].sort((a, b) =>
      a.kind.localeCompare(b.kind),
    );
    expect(bureau).toMatchObject({ kind: "bureau", state: "sent" });
    const name = job.file_name.replace(/\.pdf$/, "");
    const sent = onFtp("plates", `${name}_5p.pdf`);
    expect(fs.readFileSync(sent).subarray(0, 5).toString()).toBe("%PDF-");
    expect(fs.statSync(sent).size).toBe(row.size);
    expect(press).toMatchObject({ kind: "press", state: "skipped" });
    expect(noteFromColumn(press.error).text).toMatch(/^no preview was made: .*ran past .* s and was stopped/);

    // The journal shows it at a glance: the row carries the warning codes.
    const list = (await app.inject({ method: "GET", url: `/api/jobs?q=${name}` })).json();
    expect(list.jobs[0].warnings.map((w: JobWarning) => w.code)).toContain("no-preview");
    expect(list.jobs[0].attention).toContain("warnings");
    // The `warning` subscriber was told, with the words of each warning.
    await until(async () => hooks().some((h) => h.fields.job === job.id), 10_000, "warning webhook");
    const told = hooks().find((h) => h.fields.job === job.id);
    expect(told?.event).toBe("warning");
    expect(told?.text).toMatch(/the press preview could not be made/);
    expect(String(told?.fields.warningCodes)).toContain("no-proof");

    // Later, with a sane limit, the operator makes what is missing: the press gets its preview and
    // the bureau does not get the original a second time.
    await ctx.settingsRepo.save(settings({ timeoutSec: 120 }));
    const viewer = await login("viewer", "viewer-pass");
    expect(
      (await app.inject({ method: "POST", url: `/api/jobs/${job.id}/remake`, headers: viewer })).statusCode,
    ).toBe(403);
    const op = await login("op", "operator-pass");
    const remake = await app.inject({ method: "POST", url: `/api/jobs/${job.id}/remake`, headers: op });
    expect(remake.statusCode).toBe(200);
    const again = await settled(job.id, ["done", "failed"]);
    await until(
      async () => (await ctx.jobs.deliveries(job.id)).some((d) => d.kind === "press" && d.state === "sent"),
      60_000,
      "preview sent",
    );
    expect(again.status).toBe("done");
    expect(warningsOf(again)).toEqual([]);
    const after = await ctx.jobs.deliveries(job.id);
    const bureauAfter = after.filter((d) => d.kind === "bureau");
    expect(bureauAfter).toHaveLength(1);
    expect(bureauAfter[0].id).toBe(bureau.id);
    expect(bureauAfter[0].sent_at).toBe(bureau.sent_at);
    expect(fs.existsSync(onFtp("press", `${name}.pdf`))).toBe(true);
    const audit = await ctx.store.db
      .selectFrom("audit")
      .selectAll()
      .where("action", "=", "job.remake")
      .execute();
    expect(audit.map((a) => a.user_name)).toEqual(["op"]);
  });

  it("kill -9 of the real Ghostscript child: done with warnings, the original still on the bureau's FTP", async () => {
    // Big proofs, so Ghostscript runs long enough to be caught.
    await ctx.settingsRepo.save(settings({ timeoutSec: 120, proofPx: 6000, concurrency: 1 }));
    const job = await dropIntoHotFolder("Leonov");
    const work = path.join(ctx.paths.work, String(job.id));
    const killed = new Set<number>();
    let row: JobRow | undefined;
    for (let i = 0; i < 6000; i++) {
      row = await ctx.jobs.get(job.id);
      if (row && ["done", "failed"].includes(row.status)) break;
      for (const pid of processesMentioning(work)) {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (!/(^|\/)gs\0|ghostscript/.test(cmd) && !cmd.includes("-sDEVICE")) continue;
        try {
          process.kill(pid, "SIGKILL");
          killed.add(pid);
        } catch {
          // gone already
        }
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(killed.size).toBeGreaterThan(0);
    row = await settled(job.id, ["done", "failed"]);
    expect(row.status).toBe("done");
    expect(warningsOf(row).length).toBeGreaterThan(0);
    const bureau = (await ctx.jobs.deliveries(job.id)).find((d) => d.kind === "bureau");
    expect(bureau?.state).toBe("sent");
    const name = job.file_name.replace(/\.pdf$/, "");
    expect(fs.statSync(onFtp("plates", `${name}_5p.pdf`)).size).toBe(row.size);
  });

  it("a bureau the settings lack (named by the mark): the job waits as needs-bureau, the operator picks one, it goes on", async () => {
    await ctx.settingsRepo.save(settings({ timeoutSec: 120 }));
    const job = await dropIntoHotFolder("Nowhere");
    const row = await settled(job.id);
    expect(row.status).toBe("needs-bureau");
    expect(row.error_code).toBe("no-bureau");
    expect(row.error_message).toMatch(/Nowhere, which is not a configured bureau/);
    expect(await ctx.jobs.deliveries(job.id)).toEqual([]);
    // Nothing lost: the original waits in the archive, not in quarantine.
    expect(row.final_path && fs.existsSync(row.final_path)).toBeTruthy();
    expect(row.final_path).toContain(ctx.paths.archive);
    const name = job.file_name.replace(/\.pdf$/, "");
    const waiting = (await app.inject({ method: "GET", url: "/api/jobs?status=needs-bureau" })).json();
    expect(waiting.jobs.map((j: { file: string }) => j.file)).toContain(job.file_name);
    await until(async () => hooks().some((h) => h.fields.job === job.id), 10_000, "warning webhook");
    expect(hooks().find((h) => h.fields.job === job.id)?.fields.warningCodes).toBe("no-bureau");

    const viewer = await login("viewer", "viewer-pass");
    const denied = await app.inject({
      method: "POST",
      url: `/api/jobs/${job.id}/bureau`,
      headers: viewer,
      payload: { bureau: "Leonov" },
    });
    expect(denied.statusCode).toBe(403);
    const op = await login("op", "operator-pass");
    const unknown = await app.inject({
      method: "POST",
      url: `/api/jobs/${job.id}/bureau`,
      headers: op,
      payload: { bureau: "Nowhere" },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe("unknown-bureau");
    const picked = await app.inject({
      method: "POST",
      url: `/api/jobs/${job.id}/bureau`,
      headers: op,
      payload: { bureau: "leonov" },
    });
    expect(picked.statusCode).toBe(200);
    const done = await settled(job.id, ["done", "failed"]);
    expect(done.status).toBe("done");
    expect(done.bureau).toBe("Leonov");
    expect(JSON.parse(done.analysis as string).bureauBy).toBe("operator");
    const timeline = JSON.parse(done.timeline) as { step: string; status: string }[];
    // Analysis and render ran once: the job went on from planning its deliveries.
    expect(timeline.filter((t) => t.step === "render")).toHaveLength(1);
    expect(timeline.filter((t) => t.step === "plan").map((t) => t.status)).toEqual(["waiting", "ok"]);
    expect(fs.statSync(onFtp("plates", `${name}_5p.pdf`)).size).toBe(done.size);
    expect(fs.existsSync(onFtp("press", `${name}.pdf`))).toBe(true);
    const again = await app.inject({
      method: "POST",
      url: `/api/jobs/${job.id}/bureau`,
      headers: op,
      payload: { bureau: "Leonov" },
    });
    expect(again.statusCode).toBe(409);
    const audit = await ctx.store.db
      .selectFrom("audit")
      .selectAll()
      .where("action", "=", "job.bureau")
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].detail as string)).toMatchObject({
      id: job.id,
      before: null,
      after: "Leonov",
    });
  });
});

describe("a render slower than its share of the job's time limit", () => {
  let slow: HotFtpShop;
  beforeAll(async () => {
    // 8 s for the whole job: the render gets three quarters of what is left when it starts.
    slow = await startHotFtpShop("pdfupload-render-share-", { PDFUPLOAD_JOB_TIMEOUT_SEC: "8" });
  });
  afterAll(async () => {
    await slow?.stop();
  });

  it("is stopped and the job still ends done, the original on the bureau's FTP, nothing left running", async () => {
    const s = settings({ timeoutSec: 120, proofPx: 10000, concurrency: 1 });
    s.targets = [
      { name: "bureau-ftp", ...slow.ftpTarget },
      { name: "press-ftp", ...slow.ftpTarget },
    ];
    s.recipients = [];
    await slow.ctx.settingsRepo.save(s);
    // Five sheets at 10 000 px a proof: far more than the few seconds the render may take here.
    const bytes = await buildSheet({
      pages: 5,
      marks: threeMarks({ bureau: "Leonov" }),
      artworkText: "slow",
    });
    const job = await slow.drop(stage(slow, "0650_Slow_render.pdf", bytes));
    const row = await slow.settled(job.id, ["done", "failed"]);
    expect(row.status, row.error_message ?? "").toBe("done");
    const noPreview = warningsOf(row).find((w) => w.code === "no-preview");
    expect(noPreview?.reason).toMatch(/ran past its share of the job's time limit/);
    expect(
      warningsOf(row)
        .filter((w) => w.code === "no-proof")
        .map((w) => w.sheet),
    ).toEqual([1, 2, 3, 4, 5]);
    expect(row.plates).toBe(25);
    const bureau = (await slow.ctx.jobs.deliveries(job.id)).find((d) => d.kind === "bureau");
    expect(bureau?.state).toBe("sent");
    expect(fs.statSync(slow.onFtp("plates", "0650_Slow_render_25p.pdf")).size).toBe(row.size);
    expect(processesMentioning(path.join(slow.ctx.paths.work, String(job.id)))).toEqual([]);
  });
});
