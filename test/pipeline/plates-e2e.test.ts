// Every real sheet reaches the bureau, every plate counted right: through the hot folder to a real
// vsftpd and into the journal and the reports. A listed spot that inks nothing is a blank plate, an
// inked spot Signa does not list a missing plate (job, journal, `warning` subscribers); the plate
// count stays Signa's. A CMY-only PDF from another program counts 3 plates a page in the journal,
// the totals, the reports' money and the bureau's file name. Owner-password copies (qpdf RC4/AES,
// Ghostscript pdfwrite) are ordinary sheets delivered untouched; one needing an open password is refused.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobWarning } from "../../src/analysis/job-warnings.ts";
import type { Analysis } from "../../src/analysis/types.ts";
import type { JobRow } from "../../src/store/jobs.repository.ts";
import { protectedCopies } from "../fixtures/protected.ts";
import { buildSheet, PROCESS, threeMarks } from "../fixtures/signa.ts";
import { type HotFtpShop, stage, startHotFtpShop } from "../helpers/hot-ftp.ts";
import { until } from "../helpers/wait.ts";

let shop: HotFtpShop;

beforeAll(async () => {
  shop = await startHotFtpShop("pdfupload-plates-e2e-");
  await shop.ctx.settingsRepo.save({
    presses: [
      {
        name: "Speedmaster",
        plateWidthMm: 1030,
        plateHeightMm: 770,
        gripperMm: 40,
        plateCost: 12.5,
        previewTarget: "ftp",
        previewFolder: "press",
      },
    ],
    bureaus: [
      { name: "Leonov", target: "ftp", folder: "leonov" },
      // The Korol name carries the plate count: a wrong count is a wrong order at the bureau.
      { name: "Korol", target: "ftp", folder: "korol", fileName: "{name}_{plates}Plates.pdf" },
    ],
    targets: [{ name: "ftp", ...shop.ftpTarget }],
    recipients: [{ name: "chief", webhookUrl: shop.hookUrl, channels: ["webhook"], events: ["warning"] }],
    channels: { webhook: { secret: "s" } },
    render: { proofPx: 600 },
  });
});
afterAll(async () => {
  await shop?.stop();
});

const warningsOf = (row: JobRow) => (row.warnings ? (JSON.parse(row.warnings) as JobWarning[]) : []);
const analysisOf = (row: JobRow) => JSON.parse(row.analysis as string) as Analysis;
const get = async (url: string) => (await shop.app.inject({ method: "GET", url })).json();

/** Where the bureau's copy of a job landed on the FTP server (the delivery must be sent). */
async function atBureau(row: JobRow): Promise<string> {
  const d = (await shop.ctx.jobs.deliveries(row.id)).find((x) => x.kind === "bureau");
  expect(d?.state).toBe("sent");
  return shop.onFtp(d?.remote_dir ?? "", d?.remote_name ?? "");
}

async function through(name: string, bytes: Uint8Array): Promise<JobRow> {
  const job = await shop.drop(stage(shop, name, bytes));
  return shop.settled(job.id, ["done", "failed", "needs-bureau"]);
}

describe("plates, end to end", () => {
  it("a listed spot with no ink on sheet 2 is a blank plate: warned on job, journal and to subscribers; count stays Signa's", async () => {
    const colorants = [...PROCESS, "PANTONE 185 C"];
    const row = await through(
      "0801_Blank_Spot_Leonov.pdf",
      await buildSheet({
        colorants,
        pages: [{}, { paintSpots: [] }],
        marks: threeMarks({ bureau: "Leonov" }),
      }),
    );
    expect(row.status).toBe("done");
    // Signa's list is what the bureau bills: 5 plates a sheet, blank or not.
    expect(row.plates).toBe(10);
    expect(row.money).toBeCloseTo(10 * 12.5);
    const a = analysisOf(row);
    expect(a.platesBy).toBe("signa");
    expect(a.sheets.map((s) => s.blankPlates)).toEqual([[], ["PANTONE 185 C"]]);
    expect(a.sheets.map((s) => s.missingPlates)).toEqual([[], []]);
    expect(warningsOf(row)).toEqual([{ code: "blank-plate", sheet: 2, ink: "PANTONE 185 C" }]);
    expect(a.warnings.map((w) => w.text)).toContain(
      "plate PANTONE 185 C on sheet 2 is blank: a plate would be paid for nothing",
    );
    const list = await get("/api/jobs?q=0801_Blank");
    expect(list.jobs[0].warnings).toEqual([{ code: "blank-plate", sheet: 2, ink: "PANTONE 185 C" }]);
    expect(list.jobs[0].attention).toContain("warnings");
    expect(fs.existsSync(await atBureau(row))).toBe(true);
    await until(async () => shop.hooks.some((h) => h.fields.job === row.id), 10_000, "warning webhook");
    const told = shop.hooks.find((h) => h.fields.job === row.id);
    expect(told).toMatchObject({ event: "warning", fields: { warningCodes: "blank-plate" } });
    expect(told?.text).toContain(
      "plate PANTONE 185 C on sheet 2 is blank: a plate would be paid for nothing",
    );
  });

  it("an inked spot Signa does not list is a missing plate", async () => {
    const row = await through(
      "0802_Unlisted_Spot_Leonov.pdf",
      await buildSheet({
        colorants: [...PROCESS],
        paintSpots: ["PANTONE 021 C"],
        pages: 1,
        marks: threeMarks({ bureau: "Leonov" }),
      }),
    );
    expect(row.status).toBe("done");
    expect(row.plates).toBe(4);
    const a = analysisOf(row);
    expect(a.sheets[0].separations).toEqual([...PROCESS, "PANTONE 021 C"]);
    expect(a.sheets[0].missingPlates).toEqual(["PANTONE 021 C"]);
    expect(a.sheets[0].blankPlates).toEqual([]);
    expect(warningsOf(row)).toEqual([{ code: "missing-plate", sheet: 1, ink: "PANTONE 021 C" }]);
    expect(a.warnings.map((w) => w.text)).toContain(
      "ink PANTONE 021 C is on sheet 1 but Signa makes no plate for it",
    );
    await until(async () => shop.hooks.some((h) => h.fields.job === row.id), 10_000, "warning webhook");
  });

  it("a CMY-only PDF from another program counts 3 plates a page: journal, totals, reports' money, Korol's file name", async () => {
    // The reports need a login (viewer); they count what the journal books.
    const viewer = await shop.login("viewer", "viewer-pass");
    const report = async () =>
      (
        await shop.app.inject({
          method: "GET",
          url: `/api/reports?year=${new Date().getUTCFullYear()}`,
          headers: viewer,
        })
      ).json().current.totals as { plates: number; money: number };
    const before = await report();
    const name = "0803_Flyer_Korol.pdf";
    const row = await through(
      name,
      await buildSheet({
        creator: "Adobe InDesign 19.0",
        colorants: null,
        marks: [],
        artworkText: null,
        trimBoxMm: "paper",
        pages: 2,
      }),
    );
    expect(row.status).toBe("done");
    const a = analysisOf(row);
    expect(a.isSigna).toBe(false);
    expect(a.platesBy).toBe("separations");
    expect(a.platesApproximate).toBeUndefined();
    expect(a.sheets.map((s) => s.separations)).toEqual([
      ["Cyan", "Magenta", "Yellow"],
      ["Cyan", "Magenta", "Yellow"],
    ]);
    expect(row.plates).toBe(6);
    expect(row.money).toBeCloseTo(6 * 12.5);
    expect(row.plate_area_m2).toBeCloseTo((6 * 1030 * 770) / 1e6, 3);
    // The bureau's file name says 6 plates, and the file is the original byte for byte.
    const sent = await atBureau(row);
    expect(sent).toBe(shop.onFtp("korol", "0803_Flyer_6Plates.pdf"));
    expect(fs.statSync(sent).size).toBe(row.size);
    const list = await get("/api/jobs?q=0803_Flyer");
    expect(list.jobs[0]).toMatchObject({ plates: 6, analysis: { platesBy: "separations" } });
    const sm = list.totals.find((t: { press: string }) => t.press === "Speedmaster");
    expect(sm.plates).toBe(6);
    expect(sm.money).toBeCloseTo(75);
    const after = await report();
    expect(after.plates - before.plates).toBe(6);
    expect(after.money - before.money).toBeCloseTo(75);
  });

  it("protected copies (qpdf RC4 40/128, AES-128/256 with and without restrictions, gs pdfwrite) go through untouched", async () => {
    const src = stage(
      shop,
      "protected-src.pdf",
      await buildSheet({ pages: 1, marks: threeMarks({ bureau: "Leonov" }), artworkText: "protected" }),
    );
    const dir = path.join(shop.outside, "protected");
    fs.mkdirSync(dir, { recursive: true });
    const copies = protectedCopies(src, dir, "0900_Protected_Leonov_");
    expect(copies.map((c) => c.name)).toEqual([
      "rc4-40",
      "rc4-128-restricted",
      "aes-128",
      "aes-128-restricted",
      "aes-256",
      "aes-256-restricted",
      "gs-pdfwrite",
      "user-password",
    ]);
    for (const c of copies) {
      const bytes = fs.readFileSync(c.file);
      const row = await through(path.basename(c.file), bytes);
      if (c.needsPassword) {
        expect(row.status, c.name).toBe("failed");
        expect(row.error_code, c.name).toBe("encrypted");
        expect(fs.existsSync(row.final_path as string), c.name).toBe(true); // in quarantine, not lost
        continue;
      }
      expect(row.status, c.name).toBe("done");
      expect(row.plates, c.name).toBe(5);
      expect(warningsOf(row), c.name).toEqual([]);
      const outputs = JSON.parse(row.outputs as string);
      expect(outputs.preview, c.name).toBe("preview.pdf");
      expect(outputs.pages[0].proof, c.name).toBe("proof-1.jpg");
      expect(analysisOf(row).sheets[0].inks?.Cyan, c.name).toBeGreaterThan(0);
      // The bureau gets the protected original itself, not our unencrypted working copy.
      const sent = await atBureau(row);
      expect(Buffer.compare(fs.readFileSync(sent), bytes), c.name).toBe(0);
      const list = await get(`/api/jobs?q=${encodeURIComponent(path.basename(c.file, ".pdf"))}`);
      expect(list.jobs[0], c.name).toMatchObject({ status: "done", plates: 5, warnings: [] });
    }
  });
});
