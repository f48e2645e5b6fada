// The whole job pipeline with a press that has ink zones on: each sheet's CIP3 PPF reaches the press
// beside the preview through the delivery machinery (a real vsftpd for the PPF, a folder for the
// preview), names from the press's ink-zone rules; the server going away is retried like any delivery.
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Analysis } from "../../src/analysis/types.ts";
import type { AppContext } from "../../src/app/context.ts";
import { startVsftpd, type Vsftpd } from "../../src/delivery/testing/vsftpd.ts";
import { acceptFile } from "../../src/intake/accept-file.ts";
import type { JobRow } from "../../src/store/jobs.repository.ts";
import { threeMarks, writeSheet } from "../fixtures/signa.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";
import { until } from "../helpers/wait.ts";
import { readPpf } from "./ppf-reader.ts";

let ctx: AppContext;
let outside: string;
let ftp: Vsftpd;

async function finished(id: number): Promise<JobRow> {
  await until(
    async () => {
      const j = await ctx.jobs.get(id);
      return j?.status === "done" || j?.status === "failed";
    },
    90_000,
    `job ${id} finished`,
  );
  return (await ctx.jobs.get(id)) as JobRow;
}

beforeAll(async () => {
  outside = tempDir("pdfupload-ppf-delivery-");
  fs.mkdirSync(path.join(outside, "press"));
  ftp = await startVsftpd();
  fs.mkdirSync(path.join(ftp.root, "ppf"));
  ctx = await tempContext(path.join(outside, "data"));
  await ctx.settingsRepo.save({
    presses: [
      {
        name: "Speedmaster",
        plateWidthMm: 1030,
        plateHeightMm: 770,
        gripperMm: 40,
        previewTarget: "press",
        inkZones: {
          count: 32,
          widthMm: 32.5,
          target: "press-ftp",
          folder: "ppf",
          nameTemplate: "{order}_{sheet}.ppf",
        },
      },
    ],
    bureaus: [{ name: "Leonov" }],
    targets: [
      { name: "press", url: `file://${path.join(outside, "press")}` },
      { name: "press-ftp", url: `ftp://${ftp.user}@127.0.0.1:${ftp.port}/`, password: ftp.password },
    ],
  });
  ctx.queue.work(1);
}, 120_000);
afterAll(async () => {
  await ctx?.close();
  await ftp?.stop();
  await fsp.rm(outside, { recursive: true, force: true });
});

describe("CIP3 PPF delivery", () => {
  it("sends one PPF per sheet to the press's ink-zone target, beside the preview", async () => {
    const src = await writeSheet(outside, "0537_Technoyug_Flier_Leonov.pdf", {
      pages: 2,
      marks: threeMarks({ bureau: "Leonov" }),
    });
    const job = await finished((await acceptFile(ctx, { file: src, source: "test", move: true })).job.id);
    expect(job.status).toBe("done");
    const analysis = JSON.parse(job.analysis as string) as Analysis;
    for (const s of analysis.sheets) {
      expect(s.inkZones?.count).toBe(32);
      expect(Object.keys(s.inkZones?.separations ?? {})).toEqual(s.colorants);
    }
    await until(
      async () =>
        (await ctx.jobs.deliveries(job.id)).filter((d) => d.kind === "press" && d.state !== "sent").length ===
        0,
      30_000,
      "every press delivery sent",
    );
    const rows = await ctx.jobs.deliveries(job.id);
    const ppfRows = rows.filter((d) => d.remote_name.endsWith(".ppf"));
    expect(ppfRows.map((d) => [d.kind, d.target, d.remote_dir, d.remote_name])).toEqual([
      ["press", "press-ftp", "ppf", "0537_1.ppf"],
      ["press", "press-ftp", "ppf", "0537_2.ppf"],
    ]);
    expect(fs.readdirSync(path.join(outside, "press"))).toEqual(["0537_Technoyug_Flier.pdf"]);
    for (const [i, name] of ["0537_1.ppf", "0537_2.ppf"].entries()) {
      const ppf = readPpf(fs.readFileSync(path.join(ftp.root, "ppf", name)));
      expect(ppf.jobName).toBe("0537_Technoyug_Flier_Leonov");
      expect(ppf.sheetName).toBe(String(i + 1));
      expect(ppf.separationNames).toEqual(analysis.sheets[i].colorants);
      // The paper (900 × 640 mm from the mark) is the extent.
      expect((ppf.extentPt[0] / 72) * 25.4).toBeCloseTo(900, 0);
    }
  }, 120_000);

  it("a PPF the FTP server refuses is retried and arrives once the server is back", async () => {
    await ftp.stop();
    const src = await writeSheet(outside, "0538_Retry_Leonov.pdf", {
      pages: 1,
      marks: threeMarks({ bureau: "Leonov" }),
    });
    const job = await finished((await acceptFile(ctx, { file: src, source: "test", move: true })).job.id);
    expect(job.status).toBe("done");
    const ppfRow = async () =>
      (await ctx.jobs.deliveries(job.id)).find((d) => d.remote_name.endsWith(".ppf"));
    await until(async () => ((await ppfRow())?.attempts ?? 0) >= 1, 30_000, "first try made");
    const failed = await ppfRow();
    expect(failed?.state).toBe("pending");
    expect(failed?.next_at).toBeTruthy();
    // The press's FTP comes back elsewhere: the retry sends to the target as the settings now say.
    ftp = await startVsftpd();
    fs.mkdirSync(path.join(ftp.root, "ppf"));
    const settings = await ctx.settingsRepo.get();
    await ctx.settingsRepo.save({
      ...settings,
      targets: settings.targets.map((t) =>
        t.name === "press-ftp"
          ? { ...t, url: `ftp://${ftp.user}@127.0.0.1:${ftp.port}/`, password: ftp.password }
          : t,
      ),
    });
    // The backoff's wait, passed: the retry is the delivery machinery's own next try.
    await ctx.jobs.updateDelivery(failed?.id as number, { next_at: new Date().toISOString() });
    await ctx.deliveries.attempt(failed?.id as number);
    expect((await ppfRow())?.state).toBe("sent");
    expect(fs.existsSync(path.join(ftp.root, "ppf", "0538_1.ppf"))).toBe(true);
  }, 120_000);
});
