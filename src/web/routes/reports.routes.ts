// Reports by month for a year and the year before: plates, m² of plate, money, plates per press.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { AppContext } from "../../app/context.ts";
import { requireRole } from "../auth.ts";
import { parseOr400 } from "../validate.ts";

export interface YearReport {
  year: number;
  months: { month: number; plates: number; areaM2: number; money: number }[];
  presses: { press: string; plates: number[] }[];
  totals: { plates: number; areaM2: number; money: number };
}

export async function yearReport(ctx: AppContext, year: number): Promise<YearReport> {
  const rows = await ctx.jobs.monthly(year);
  const months = Array.from({ length: 12 }, (_, i) => ({ month: i + 1, plates: 0, areaM2: 0, money: 0 }));
  const presses = new Map<string, number[]>();
  for (const r of rows) {
    const m = months[r.month - 1];
    m.plates += r.plates;
    m.areaM2 += r.areaM2;
    m.money += r.money;
    const key = r.press ?? "—";
    const list = presses.get(key) ?? Array(12).fill(0);
    list[r.month - 1] += r.plates;
    presses.set(key, list);
  }
  for (const m of months) {
    m.areaM2 = Math.round(m.areaM2 * 100) / 100;
    m.money = Math.round(m.money * 100) / 100;
  }
  const totals = months.reduce(
    (t, m) => ({ plates: t.plates + m.plates, areaM2: t.areaM2 + m.areaM2, money: t.money + m.money }),
    { plates: 0, areaM2: 0, money: 0 },
  );
  totals.areaM2 = Math.round(totals.areaM2 * 100) / 100;
  totals.money = Math.round(totals.money * 100) / 100;
  return { year, months, presses: [...presses].map(([press, plates]) => ({ press, plates })), totals };
}

export async function reportsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get("/api/reports", { preHandler: requireRole("viewer") }, async (req, reply) => {
    const q = parseOr400(
      z.object({ year: z.coerce.number().int().min(2000).max(2100).default(new Date().getFullYear()) }),
      req.query,
      reply,
    );
    if (!q) return;
    const [current, previous] = await Promise.all([yearReport(ctx, q.year), yearReport(ctx, q.year - 1)]);
    return { current, previous };
  });
}
