// The scheduler spreads one render over its lanes: few Ghostscript processes, lanes that finish
// together with the preview counted, a process per device and resolution, proofs first.
import { describe, expect, it } from "vitest";
import type { Rect } from "./crop-pdf.ts";
import { COST, MAX_RUN_PAGES, planLanes, type RasterJob, runCost } from "./schedule.ts";

const PLATE_PAPER: Rect = [0, 0, 2551, 1814]; // 900 × 640 mm
const job = (page: number, over: Partial<RasterJob> = {}): RasterJob => ({
  page,
  box: PLATE_PAPER,
  dpi: 72,
  spots: false,
  proofPx: 0,
  imagePx: 1.5e6,
  ...over,
});
const pagesOf = (runs: RasterJob[][]) => runs.map((r) => r.map((j) => j.page));

describe("planLanes", () => {
  it("gives each lane one process and balances the preview against the pages", () => {
    const jobs = [job(1, { proofPx: 2500 }), ...[2, 3, 4, 5, 6, 7, 8].map((p) => job(p))];
    const lanes = planLanes(jobs, 2, true);
    expect(lanes.map((l) => l.preview)).toEqual([true, false]);
    expect(lanes.map((l) => l.runs.length)).toEqual([1, 1]);
    // Every page exactly once.
    expect(lanes.flatMap((l) => l.runs.flat().map((j) => j.page)).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    // The proof page goes to the lane without the preview; the lanes end within a page of each other.
    expect(lanes[1].runs[0][0].page).toBe(1);
    const page = runCost([job(2)]) - COST.run;
    expect(Math.abs(lanes[0].cost - lanes[1].cost)).toBeLessThanOrEqual(page + 1e-9);
  });

  it("without a preview or with one lane, keeps processes few", () => {
    const jobs = [1, 2, 3, 4].map((p) => job(p));
    expect(planLanes(jobs, 1, true).map((l) => pagesOf(l.runs))).toEqual([[[1, 2, 3, 4]]]);
    expect(planLanes(jobs, 2, false).map((l) => pagesOf(l.runs))).toEqual([[[1, 3]], [[2, 4]]]);
    // More lanes than work: no empty lanes.
    expect(planLanes([job(1)], 8, true)).toHaveLength(2);
  });

  it("separates devices and resolutions into processes, puts the proof first, caps a process's pages", () => {
    const jobs = [
      job(1, { dpi: 127, proofPx: 2500 }),
      job(2, { spots: true }),
      ...Array.from({ length: 20 }, (_, i) => job(i + 3)),
    ];
    const [lane] = planLanes(jobs, 1, false);
    expect(pagesOf(lane.runs)[0]).toEqual([1]);
    for (const run of lane.runs) {
      expect(run.length).toBeLessThanOrEqual(MAX_RUN_PAGES);
      expect(new Set(run.map((j) => `${j.spots}@${j.dpi}`)).size).toBe(1);
    }
    expect(lane.runs.flat()).toHaveLength(22);
  });

  it("counts tiffsep pages and image-heavy pages as more work", () => {
    const light = runCost([job(1, { imagePx: 0 })]);
    expect(runCost([job(1, { imagePx: 20e6 })])).toBeGreaterThan(light * 2);
    expect(runCost([job(1, { imagePx: 0, spots: true })])).toBeGreaterThan(light * 2);
  });
});
