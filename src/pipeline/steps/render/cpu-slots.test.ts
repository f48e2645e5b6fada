// The process-wide CPU slots: never more heavy passes at once than slots, in arrival order, a
// cancelled wait gives its turn away; and the lanes a render gets when other jobs render too.
import { describe, expect, it } from "vitest";
import { StageTimer, withStages } from "../../stages.ts";
import { CpuSlots } from "./cpu-slots.ts";
import { renderLanes } from "./render.step.ts";

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("CPU slots", () => {
  it("runs at most `size` passes at once, the rest in the order they asked", async () => {
    const slots = new CpuSlots(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        slots.run(async () => {
          order.push(i);
          running++;
          peak = Math.max(peak, running);
          await tick();
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("a job cancelled while waiting leaves the queue; the slot goes to the next; a failing pass frees its slot", async () => {
    const slots = new CpuSlots(1);
    const release = await slots.acquire();
    const abort = new AbortController();
    const cancelled = slots.acquire(abort.signal);
    let ran = false;
    const next = slots.run(async () => {
      ran = true;
    });
    abort.abort();
    await expect(cancelled).rejects.toMatchObject({ code: "render-aborted" });
    release();
    await next;
    expect(ran).toBe(true);
    await expect(
      slots.run(async () => {
        throw new Error("gs died");
      }),
    ).rejects.toThrow("gs died");
    let after = false;
    await slots.run(async () => {
      after = true;
    });
    expect(after).toBe(true);
  });

  it("books the wait to the waiting job, not to the job that handed the slot over", async () => {
    const slots = new CpuSlots(1);
    const a = new StageTimer();
    const b = new StageTimer();
    await Promise.all([
      withStages(a, () => slots.run(() => new Promise((r) => setTimeout(r, 40)))),
      withStages(b, async () => {
        await tick();
        await slots.run(async () => {});
      }),
    ]);
    expect(a.get("cpu-wait")?.ms ?? 0).toBeLessThan(20);
    expect(b.get("cpu-wait")?.ms).toBeGreaterThanOrEqual(20);
  });
});

describe("render lanes", () => {
  it("a render alone gets the configured lanes; renders side by side share the cores", () => {
    expect(renderLanes(2, 1, 2)).toBe(2);
    expect(renderLanes(2, 2, 2)).toBe(1);
    expect(renderLanes(2, 3, 2)).toBe(1);
    expect(renderLanes(4, 2, 8)).toBe(4);
    expect(renderLanes(4, 3, 8)).toBe(2);
    expect(renderLanes(1, 1, 8)).toBe(1);
  });
});
