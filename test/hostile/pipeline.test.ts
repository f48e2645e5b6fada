// Hostile files and real-world PDFs dropped together into one running pipeline (in-process app
// context, two workers): each hostile file fails its own job with a coded reason and lands in
// quarantine beside a .reason.txt; every good file — Signa sheets and other producers' PDFs — is
// analysed, rendered, archived and delivered. One bad PDF never stops the shop's other jobs.
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import { acceptFile } from "../../src/intake/accept-file.ts";
import type { JobRow } from "../../src/store/jobs.repository.ts";
import { shopSettings } from "../faults/harness.ts";
import { flateBomb, heavyContent, hugePage, imageBomb, parentCycle } from "../fixtures/hostile.ts";
import { buildRealWorld } from "../fixtures/real-world.ts";
import { buildSheet, threeMarks, truncate } from "../fixtures/signa.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";
import { until } from "../helpers/wait.ts";

describe("hostile and real-world files in one pipeline", () => {
  let ctx: AppContext;
  let outside: string;
  const jobs = new Map<string, number>();

  beforeAll(async () => {
    outside = tempDir("pdfupload-hostile-pipeline-");
    ctx = await tempContext(path.join(outside, "data"));
    await ctx.settingsRepo.save({ ...shopSettings(outside), analysis: { timeLimitSec: 3, workers: 2 } });
    const drop = path.join(outside, "drop");
    fs.mkdirSync(drop);
    const put = (name: string, bytes: Uint8Array) => fs.writeFileSync(path.join(drop, name), bytes);
    const sheet = await buildSheet({ pages: 2, marks: threeMarks({ bureau: "Leonov" }) });
    put("1001_Bomb_Leonov.pdf", flateBomb(1024, 2));
    put("1002_Image bomb_Leonov.pdf", imageBomb());
    put("1003_Huge page_Leonov.pdf", hugePage());
    put("1004_Slow_Leonov.pdf", heavyContent(4_000_000));
    put("1005_Cut short_Leonov.pdf", truncate(sheet, 0.5));
    put("1006_Loop_Leonov.pdf", parentCycle());
    put("1007_Good one_Leonov.pdf", sheet);
    put(
      "1008_Good two_Leonov.pdf",
      await buildSheet({ pages: 1, marks: threeMarks({ bureau: "Leonov" }), artworkText: "second" }),
    );
    for (const r of await buildRealWorld(path.join(outside, "real")))
      fs.copyFileSync(r.file, path.join(drop, path.basename(r.file)));
    for (const name of fs.readdirSync(drop)) {
      const r = await acceptFile(ctx, { file: path.join(drop, name), source: "test", move: true });
      jobs.set(name, r.job.id);
    }
    ctx.queue.work(2);
    await until(
      async () => {
        for (const id of jobs.values()) {
          const s = (await ctx.jobs.get(id))?.status;
          if (s !== "done" && s !== "failed" && s !== "needs-bureau") return false;
        }
        return true;
      },
      240_000,
      "all jobs finished",
    );
  }, 300_000);
  afterAll(async () => {
    await ctx?.close();
    await fsp.rm(outside, { recursive: true, force: true });
  });

  const row = async (name: string) => (await ctx.jobs.get(jobs.get(name) as number)) as JobRow;

  it.each([
    ["1001_Bomb_Leonov.pdf", "too-large", /inflates to more than/],
    ["1002_Image bomb_Leonov.pdf", "too-large", /image of 100000 × 100000 pixels/],
    ["1003_Huge page_Leonov.pdf", "too-large", /mm a side/],
    ["1004_Slow_Leonov.pdf", "too-complex", /longer than the limit of 3 s/],
    ["1005_Cut short_Leonov.pdf", "damaged", /cut short/],
    ["1006_Loop_Leonov.pdf", "damaged", /cycle in page tree/],
  ])("%s fails its job with %s and waits in quarantine with the reason", async (name, code, message) => {
    const j = await row(name);
    expect(j.status).toBe("failed");
    expect(j.error_code).toBe(code);
    expect(j.error_message).toMatch(message);
    expect(j.final_path?.startsWith(ctx.paths.quarantine)).toBe(true);
    expect(fs.existsSync(j.final_path as string)).toBe(true);
    const reason = fs.readFileSync(`${j.final_path}.reason.txt`, "utf8");
    expect(reason).toContain(`code: ${code}`);
    expect(reason).toContain(name);
    expect(j.order_no).toBe(name.slice(0, 4)); // what the name says is still booked
  });

  it.each([
    "1007_Good one_Leonov.pdf",
    "1008_Good two_Leonov.pdf",
    "1201_Brochure_ps2pdf.pdf",
    "1202_Redistilled_Leonov.pdf",
    "1203_Scan_Leonov.pdf",
  ])(
    "%s goes all the way to done (or, naming no bureau, waits for one), archived, with proofs",
    async (name) => {
      const j = await row(name);
      // A file that names no bureau waits for the operator to pick one: rendered and archived, not lost.
      const named = /_Leonov\.pdf$/.test(name);
      expect(j.status).toBe(named ? "done" : "needs-bureau");
      expect(j.error_code).toBe(named ? null : "no-bureau");
      expect(j.final_path?.startsWith(ctx.paths.archive)).toBe(true);
      const outputs = JSON.parse(j.outputs as string);
      expect(outputs.pages.length).toBe(j.pages);
      for (const p of outputs.pages)
        expect(fs.existsSync(path.join(ctx.paths.proofs, String(j.id), p.proof))).toBe(true);
    },
  );

  it("Signa figures are right next to the hostile files, and nothing is left in work/ or lost", async () => {
    const good = await row("1007_Good one_Leonov.pdf");
    expect(good).toMatchObject({ press: "Speedmaster", bureau: "Leonov", pages: 2, plates: 10 });
    const brochure = JSON.parse((await row("1201_Brochure_ps2pdf.pdf")).analysis as string);
    expect(brochure.pages).toBe(3);
    expect(brochure.isSigna).toBe(false);
    // Every dropped file is in archive or quarantine, exactly once.
    const kept = [
      ...(fs.readdirSync(ctx.paths.archive, { recursive: true }) as string[]).filter((f) =>
        f.endsWith(".pdf"),
      ),
      ...fs.readdirSync(ctx.paths.quarantine).filter((f) => /\.pdf$/i.test(f)),
    ];
    expect(kept.length).toBe(jobs.size);
    expect(fs.existsSync(ctx.paths.work) ? fs.readdirSync(ctx.paths.work) : []).toEqual([]);
  });
});
