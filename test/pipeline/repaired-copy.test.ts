// Issue 16 through the pipeline: a sheet MuPDF cannot read itself (its trailer's /Root names a page,
// so MuPDF finds no page) but that Ghostscript draws is analysed from a rewritten copy in the job's work
// folder; the proofs and the preview come from that copy, while the original, byte for byte, is what
// reaches the bureau; nothing of the copy is left once the job is done.
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Analysis } from "../../src/analysis/types.ts";
import type { AppContext } from "../../src/app/context.ts";
import { acceptFile } from "../../src/intake/accept-file.ts";
import { createI18n } from "../../ui/src/i18n/i18n.tsx";
import { wrongRoot } from "../fixtures/repairable.ts";
import { buildSheet } from "../fixtures/signa.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";
import { until } from "../helpers/wait.ts";

const outside = tempDir("pdfupload-repaired-copy-");
let ctx: AppContext;
const RU = createI18n("ru", "ru-RU", "UAH");
const sha = (b: Buffer) => crypto.createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  for (const d of ["bureau", "press"]) fs.mkdirSync(path.join(outside, d));
  ctx = await tempContext(path.join(outside, "data"));
  await ctx.settingsRepo.save({
    presses: [
      { name: "Speedmaster", plateWidthMm: 1030, plateHeightMm: 770, gripperMm: 40, previewTarget: "press" },
    ],
    bureaus: [{ name: "Leonov", target: "bureau" }],
    targets: [
      { name: "bureau", url: `file://${path.join(outside, "bureau")}` },
      { name: "press", url: `file://${path.join(outside, "press")}` },
    ],
  });
  ctx.queue.work(1);
});
afterAll(async () => {
  await ctx?.close();
  await fsp.rm(outside, { recursive: true, force: true });
});

describe("a sheet read from a repaired copy", () => {
  it("proofs from the copy, the original to the bureau, the copy gone after", async () => {
    const bytes = wrongRoot(await buildSheet({ pages: 3 }));
    const src = path.join(outside, "0710_Wrong root_Leonov.pdf");
    fs.writeFileSync(src, bytes);
    const { job } = await acceptFile(ctx, { file: src, source: "test", move: true });
    await until(
      async () => ["done", "failed"].includes((await ctx.jobs.get(job.id))?.status ?? ""),
      120_000,
      "job finished",
    );
    const done = await ctx.jobs.get(job.id);
    expect(done?.status, done?.error_message ?? "").toBe("done");
    const analysis = JSON.parse(done?.analysis as string) as Analysis;
    expect(analysis.pages).toBe(3);
    expect(analysis.repairedCopy?.path.startsWith(path.join(ctx.paths.work, String(job.id)))).toBe(true);
    expect(analysis.warnings[0].text).toMatch(/read from a copy .* rewrote/);
    // The render said where it read from, and made a proof of every page.
    const log = (await ctx.jobs.logLines(job.id)).map((l) => l.msg);
    expect(log).toContain(`render: from the copy ${analysis.repairedCopy?.by} repaired`);
    const outputs = JSON.parse(done?.outputs as string) as { pages: { proof: string | null }[] };
    expect(outputs.pages).toHaveLength(3);
    for (const p of outputs.pages)
      expect(fs.existsSync(path.join(ctx.paths.proofs, String(job.id), p.proof as string))).toBe(true);
    // The original, unchanged, in the archive and at the bureau; the preview at the press.
    await until(async () => (await ctx.jobs.deliveries(job.id)).every((d) => d.state === "sent"), 30_000);
    const delivered = fs.readFileSync(path.join(outside, "bureau", "0710_Wrong root.pdf"));
    expect(sha(delivered)).toBe(sha(bytes));
    expect(sha(fs.readFileSync(done?.final_path as string))).toBe(sha(bytes));
    expect(fs.readdirSync(path.join(outside, "press"))).toHaveLength(1);
    // The copy lived in the job's work folder only.
    expect(fs.existsSync(analysis.repairedCopy?.path as string)).toBe(false);
    // Every line of the job's log is a note the UI words: none is left as a bare English sentence.
    const lines = await ctx.jobs.logLines(job.id);
    expect(lines.filter((l) => !l.said).map((l) => l.msg)).toEqual([]);
    const ru = lines.map((l) => RU.said(l.said));
    expect(ru).toContain(`пробы: сделаны из копии, исправленной ${analysis.repairedCopy?.by}`);
    expect(ru).toContain("отправлено в бюро bureau: 0710_Wrong root.pdf");
    expect(ru.some((l) => /^отправлено на машину press: /.test(l))).toBe(true);
  }, 180_000);
});
