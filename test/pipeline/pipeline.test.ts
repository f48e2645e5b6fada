// The whole job pipeline in one process, once on the embedded default (SQLite) and once on
// PostgreSQL + Redis/BullMQ: a Signa sheet goes from intake to analysis, render, archive and
// delivery; bad input ends in quarantine with its reason.
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import { acceptFile } from "../../src/intake/accept-file.ts";
import type { JobRow, TimelineEntry } from "../../src/store/jobs.repository.ts";
import { createI18n } from "../../ui/src/i18n/i18n.tsx";
import { threeMarks, writeSheet } from "../fixtures/signa.ts";
import { ENGINES } from "../helpers/servers.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";
import { until } from "../helpers/wait.ts";

const RU = createI18n("ru", "ru-RU", "UAH");

describe.each(ENGINES)("on $name", (engine) => {
  let ctx: AppContext;
  let outside: string;
  let stopEngine: () => Promise<void> = async () => {};

  async function drop(file: string): Promise<JobRow> {
    const r = await acceptFile(ctx, { file, source: "test", move: true });
    return r.job;
  }
  async function finished(id: number): Promise<JobRow> {
    await until(
      async () => {
        const j = await ctx.jobs.get(id);
        return j?.status === "done" || j?.status === "failed" || j?.status === "duplicate";
      },
      60_000,
      `job ${id} finished`,
    );
    return (await ctx.jobs.get(id)) as JobRow;
  }

  beforeAll(async () => {
    outside = tempDir("pdfupload-pipeline-");
    // A folder target must exist (an unmounted share is refused, not silently created).
    fs.mkdirSync(path.join(outside, "bureau"));
    fs.mkdirSync(path.join(outside, "press"));
    const started = await engine.start();
    stopEngine = started.stop;
    ctx = await tempContext(path.join(outside, "data"), started.env);
    await ctx.settingsRepo.save({
      presses: [
        {
          name: "Speedmaster",
          plateWidthMm: 1030,
          plateHeightMm: 770,
          gripperMm: 40,
          plateCost: 11.5,
          previewTarget: "press",
        },
        { name: "Planeta", plateWidthMm: 1010, plateHeightMm: 820, gripperMm: 45, plateCost: 12 },
      ],
      bureaus: [
        {
          name: "Leonov",
          target: "bureau",
          folder: "{plateFolder}",
          plateFolders: { "1030x770": "_1030x770" },
        },
        { name: "Korol" },
        { name: "Admin", test: true },
      ],
      targets: [
        { name: "bureau", url: `file://${path.join(outside, "bureau")}` },
        { name: "press", url: `file://${path.join(outside, "press")}` },
      ],
    });
    ctx.queue.work(2);
  });
  afterAll(async () => {
    await ctx?.close();
    await stopEngine();
    await fsp.rm(outside, { recursive: true, force: true });
  });

  describe("job pipeline", () => {
    let first: JobRow;

    it("takes a Signa sheet through every step to done, archived and delivered", async () => {
      const src = await writeSheet(outside, "0537_Technoyug_Flier_Leonov.pdf", {
        pages: 2,
        marks: threeMarks({ bureau: "Leonov" }),
      });
      first = await finished((await drop(src)).id);
      expect(first.error_message).toBeNull();
      expect(first.status).toBe("done");
      const timeline = JSON.parse(first.timeline) as TimelineEntry[];
      expect(timeline.map((t) => t.step)).toEqual([
        "intake",
        "analyse",
        "render",
        "archive",
        "plan",
        "deliver",
      ]);
      expect(timeline.every((t) => t.status === "ok" && t.ms >= 0)).toBe(true);
      // Where the render's time went: one preview pass, the separations (a spot colour), a proof JPEG
      // per page, the ink figures; every step books its journal writes.
      const stages = (step: string) =>
        new Map(
          ((timeline.find((t) => t.step === step) as TimelineEntry).stages ?? []).map((s) => [s.name, s]),
        );
      const render = stages("render");
      expect(render.get("gs-pdfwrite")?.count).toBe(1);
      expect(render.get("gs-tiffsep")?.count).toBeGreaterThanOrEqual(1);
      expect(render.get("proof-jpeg")?.count).toBe(2);
      // One read per separation file: 2 pages × (CMYK + PANTONE Warm Red C) at least.
      expect(render.get("ink-figures")?.count).toBeGreaterThanOrEqual(10);
      expect(render.get("crop")?.count).toBe(1);
      for (const s of render.values()) expect(s.ms).toBeGreaterThanOrEqual(0);
      expect(render.get("gs-tiffsep")?.ms).toBeGreaterThan(0);
      for (const step of ["intake", "analyse", "render", "archive"])
        expect(stages(step).has("db")).toBe(true);
      // Journal figures.
      expect(first).toMatchObject({
        press: "Speedmaster",
        bureau: "Leonov",
        order_no: "0537",
        pages: 2,
        plates: 10,
      });
      expect(first.money).toBeCloseTo(10 * 11.5);
      expect(first.plate_area_m2).toBeCloseTo((10 * 1030 * 770) / 1e6, 3);
      const analysis = JSON.parse(first.analysis as string);
      expect(analysis.orderName).toBe("Technoyug_Flier");
      expect(Object.keys(analysis.sheets[0].inks)).toContain("PANTONE Warm Red C");
      // Original archived by date, nothing left in work/.
      expect(first.final_path).toMatch(
        new RegExp(`archive/\\d{4}/\\d{2}/${first.id}_0537_Technoyug_Flier_Leonov\\.pdf$`),
      );
      expect(fs.existsSync(first.final_path as string)).toBe(true);
      expect(fs.existsSync(path.join(ctx.paths.work, String(first.id)))).toBe(false);
      // Proofs and thumbnails for each page.
      const outputs = JSON.parse(first.outputs as string);
      expect(outputs.pages).toHaveLength(2);
      for (const p of outputs.pages)
        expect(fs.existsSync(path.join(ctx.paths.proofs, String(first.id), p.proof))).toBe(true);
      // Deliveries: the original (bureau token removed) into the plate-size folder, the preview to the press.
      const deliveries = await ctx.jobs.deliveries(first.id);
      expect(deliveries.map((d) => [d.kind, d.state])).toEqual([
        ["bureau", "sent"],
        ["press", "sent"],
      ]);
      const delivered = path.join(outside, "bureau", "_1030x770", "0537_Technoyug_Flier.pdf");
      expect(fs.readFileSync(delivered)).toEqual(fs.readFileSync(first.final_path as string));
      expect(fs.readdirSync(path.join(outside, "press")).length).toBe(1);
    });

    it("refuses a re-dropped identical file as a duplicate of the first job, and re-runs it on demand", async () => {
      const again = path.join(outside, "again.pdf");
      fs.copyFileSync(first.final_path as string, again);
      const dup = await finished((await drop(again)).id);
      expect(dup.status).toBe("duplicate");
      expect(dup.error_code).toBe("duplicate");
      expect(dup.duplicate_of).toBe(first.id);
      expect(dup.error_message).toContain(`#${first.id}`);
      // The journal's lines are notes: the refusal reads in Russian, naming the first job.
      const lines = await ctx.jobs.logLines(dup.id);
      expect(lines.filter((l) => !l.said).map((l) => l.msg)).toEqual([]);
      expect(lines.map((l) => RU.said(l.said))).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `: файл не принят \\(duplicate\\) — Этот же файл уже обработан как задание №${first.id}\\.$`,
          ),
        ),
      );
      expect(fs.existsSync(dup.final_path as string)).toBe(true);
      // Re-run: the operator wants it processed anyway.
      await ctx.jobs.update(dup.id, {
        status: "queued",
        timeline: "[]",
        outputs: JSON.stringify({ force: true }),
        error_code: null,
      });
      await ctx.queue.enqueue(dup.id);
      await until(async () => (await ctx.jobs.get(dup.id))?.status === "done", 60_000);
    });

    it("quarantines a file that is not a PDF, with the reason beside it", async () => {
      const bad = path.join(outside, '0540 "quotes" $(rm -rf x) `ls`.pdf');
      fs.writeFileSync(bad, "this is a Word document, honestly");
      const job = await finished((await drop(bad)).id);
      expect(job.status).toBe("failed");
      expect(job.error_code).toBe("not-pdf");
      expect(path.dirname(job.final_path as string)).toBe(ctx.paths.quarantine);
      expect(fs.readFileSync(job.final_path as string, "utf8")).toBe("this is a Word document, honestly");
      const reason = fs.readFileSync(`${job.final_path}.reason.txt`, "utf8");
      expect(reason).toContain("code: not-pdf");
      expect(reason).toContain(job.file_name);
    });

    it("finishes a job as done when its bureau target is unreachable; the delivery keeps retrying", async () => {
      await ctx.settingsRepo.save({
        ...(await ctx.settings()),
        targets: [
          { name: "bureau", url: "ftp://nobody@127.0.0.1:1/in", password: "x", timeoutSec: 3 },
          { name: "press", url: `file://${path.join(outside, "press")}` },
        ],
      });
      const src = await writeSheet(outside, "0600_Down_Leonov.pdf", {
        pages: 1,
        marks: threeMarks({ bureau: "Leonov" }),
      });
      const job = await finished((await drop(src)).id);
      expect(job.status).toBe("done");
      const [bureau, press] = await ctx.jobs.deliveries(job.id);
      expect(bureau.state).toBe("pending");
      expect(bureau.attempts).toBe(1);
      expect(bureau.error).toMatch(/ECONNREFUSED|refused/i);
      expect(bureau.next_at && bureau.next_at > new Date().toISOString()).toBe(true);
      expect(press.state).toBe("sent");
    });

    it("marks a job with no bureau target as done with a skipped delivery that says why", async () => {
      const src = await writeSheet(outside, "0601_Book_Korol.pdf", {
        pages: 1,
        marks: threeMarks({ bureau: "Korol" }),
      });
      const job = await finished((await drop(src)).id);
      expect(job.status).toBe("done");
      const bureau = (await ctx.jobs.deliveries(job.id)).find((d) => d.kind === "bureau");
      expect(bureau?.state).toBe("skipped");
      expect(bureau?.error).toMatch(/Korol/);
    });
  });
});
