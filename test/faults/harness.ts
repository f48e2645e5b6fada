// A real application context for fault tests: presses, bureaus and file:// targets set, a sheet
// dropped through intake, waits on a job's state.
import fs from "node:fs";
import path from "node:path";
import type { AppContext } from "../../src/app/context.ts";
import { acceptFile } from "../../src/intake/accept-file.ts";
import type { JobRow, TimelineEntry } from "../../src/store/jobs.repository.ts";
import { threeMarks, writeSheet } from "../fixtures/signa.ts";
import { until } from "../helpers/wait.ts";

export interface ShopSettings {
  targets: Record<string, unknown>[];
  [key: string]: unknown;
}

export function shopSettings(outside: string): ShopSettings {
  // Folder targets must exist (a missing one means an unmounted share).
  for (const d of ["bureau", "press"]) fs.mkdirSync(path.join(outside, d), { recursive: true });
  return {
    presses: [
      {
        name: "Speedmaster",
        plateWidthMm: 1030,
        plateHeightMm: 770,
        gripperMm: 40,
        plateCost: 10,
        previewTarget: "press",
      },
    ],
    bureaus: [{ name: "Leonov", target: "bureau" }],
    targets: [
      { name: "bureau", url: `file://${path.join(outside, "bureau")}` },
      { name: "press", url: `file://${path.join(outside, "press")}` },
    ],
  };
}

let n = 0;
/** Writes a fresh Signa sheet (distinct content, so no duplicate refusal) and queues it. */
export async function dropSheet(
  ctx: AppContext,
  dir: string,
  spec: Parameters<typeof writeSheet>[2] = {},
): Promise<JobRow> {
  n++;
  fs.mkdirSync(dir, { recursive: true });
  const file = await writeSheet(dir, `05${String(n).padStart(2, "0")}_Fault_${process.pid}_Leonov.pdf`, {
    pages: 1,
    marks: threeMarks({ bureau: "Leonov" }),
    artworkText: `sheet ${n} ${Date.now()}`,
    ...spec,
  });
  return (await acceptFile(ctx, { file, source: "test", move: true })).job;
}

export async function jobNow(ctx: AppContext, id: number): Promise<JobRow> {
  return (await ctx.jobs.get(id)) as JobRow;
}

export async function finished(ctx: AppContext, id: number, ms = 90_000): Promise<JobRow> {
  await until(
    async () => {
      const j = await ctx.jobs.get(id).catch(() => undefined);
      return j?.status === "done" || j?.status === "failed" || j?.status === "duplicate";
    },
    ms,
    `job ${id} finished`,
  );
  return jobNow(ctx, id);
}

export const timelineOf = (j: JobRow) => JSON.parse(j.timeline) as TimelineEntry[];
