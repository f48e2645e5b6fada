// The journal rows a filter selects, as CSV or XLSX (the shop checks the bureau's bill with it).
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import type { JobRow } from "../../store/jobs.repository.ts";
import { journalReader } from "../auth.ts";
import { parseOr400 } from "../validate.ts";
import { jobFilterSchema, toFilter } from "./jobs.routes.ts";

const COLUMNS = [
  "id",
  "date",
  "order",
  "file",
  "press",
  "complects",
  "plates",
  "plate m2",
  "money",
  "bureau",
  "status",
  "error",
] as const;

function cells(r: JobRow): (string | number | null)[] {
  return [
    r.id,
    r.file_date,
    r.order_no,
    r.file_name,
    r.press,
    r.pages,
    r.plates,
    r.plate_area_m2,
    r.money,
    r.bureau,
    r.status,
    r.error_code,
  ];
}

/** CSV cell; a leading = + - @ is neutralised so a spreadsheet never runs a file name as a formula. */
function csvCell(v: string | number | null): string {
  if (v === null || v === undefined) return "";
  let s = String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function exportRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const rowsFor = async (query: unknown, reply: Parameters<typeof parseOr400>[2]) => {
    const q = parseOr400(
      jobFilterSchema.extend({ limit: jobFilterSchema.shape.limit.unwrap().max(100_000).default(100_000) }),
      query,
      reply,
    );
    if (!q) return null;
    return (await ctx.jobs.list(toFilter(q))).rows;
  };

  app.get("/api/jobs/export.csv", { preHandler: journalReader(ctx) }, async (req, reply) => {
    const rows = await rowsFor(req.query, reply);
    if (!rows) return;
    const text = [COLUMNS.join(","), ...rows.map((r) => cells(r).map(csvCell).join(","))].join("\r\n");
    reply.header("content-disposition", 'attachment; filename="journal.csv"');
    // BOM: Excel opens UTF-8 (Cyrillic names) correctly only with it.
    return reply.type("text/csv; charset=utf-8").send(`\ufeff${text}\r\n`);
  });

  app.get("/api/jobs/export.xlsx", { preHandler: journalReader(ctx) }, async (req, reply) => {
    const rows = await rowsFor(req.query, reply);
    if (!rows) return;
    const { default: ExcelJS } = await import("exceljs");
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("journal");
    ws.addRow([...COLUMNS]);
    for (const r of rows) ws.addRow(cells(r));
    ws.getRow(1).font = { bold: true };
    const buf = await wb.xlsx.writeBuffer();
    reply.header("content-disposition", 'attachment; filename="journal.xlsx"');
    return reply
      .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
      .send(Buffer.from(buf));
  });
}
