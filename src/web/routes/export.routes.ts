// The journal rows a filter selects, as CSV or XLSX (the shop checks the bureau's bill with it).
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { AppContext } from "../../app/context.ts";
import { journalReader } from "../auth.ts";
import { parseOr400 } from "../validate.ts";
import { exportCells, exportHeaders, exportLang, journalCsv, xlsxFormats } from "./export-format.ts";
import { jobFilterSchema, toFilter } from "./jobs.routes.ts";

export async function exportRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const rowsFor = async (query: unknown, reply: Parameters<typeof parseOr400>[2]) => {
    const q = parseOr400(
      jobFilterSchema.extend({
        limit: jobFilterSchema.shape.limit.unwrap().max(100_000).default(100_000),
        lang: z.enum(["ru", "en"]).optional(),
      }),
      query,
      reply,
    );
    if (!q) return null;
    return (await ctx.jobs.list(toFilter(q))).rows;
  };

  app.get("/api/jobs/export.csv", { preHandler: journalReader(ctx) }, async (req, reply) => {
    const rows = await rowsFor(req.query, reply);
    if (!rows) return;
    const lang = exportLang(req.query, req.headers["accept-language"]);
    const { currency } = (await ctx.settings()).journal;
    reply.header("content-disposition", 'attachment; filename="journal.csv"');
    return reply.type("text/csv; charset=utf-8").send(journalCsv(rows, lang, currency));
  });

  app.get("/api/jobs/export.xlsx", { preHandler: journalReader(ctx) }, async (req, reply) => {
    const rows = await rowsFor(req.query, reply);
    if (!rows) return;
    const { default: ExcelJS } = await import("exceljs");
    const wb = new ExcelJS.Workbook();
    const lang = exportLang(req.query, req.headers["accept-language"]);
    const { currency } = (await ctx.settings()).journal;
    const ws = wb.addWorksheet(lang === "ru" ? "Журнал" : "Journal");
    ws.addRow(exportHeaders(lang, currency));
    // Typed cells: a Date is a real date, figures are numbers; the formats make them read right.
    for (const r of rows) ws.addRow(exportCells(r, lang));
    for (const [col, fmt] of Object.entries(xlsxFormats(lang, currency)))
      ws.getColumn(Number(col) + 1).numFmt = fmt;
    ws.getRow(1).font = { bold: true };
    ws.columns.forEach((c, i) => {
      c.width = [8, 17, 10, 40, 16, 11, 10, 14, 14, 14, 12, 14][i] ?? 12;
    });
    const buf = await wb.xlsx.writeBuffer();
    reply.header("content-disposition", 'attachment; filename="journal.xlsx"');
    return reply
      .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
      .send(Buffer.from(buf));
  });
}
