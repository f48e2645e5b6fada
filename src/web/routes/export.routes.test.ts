// The journal export through the real route and a real SQLite journal: Russian Excel gets `;`,
// a decimal comma, a BOM and Russian headers; English gets `,` and a point; XLSX cells are real dates
// and numbers with formats (read back with exceljs); a formula-looking file name stays text.
import fsp from "node:fs/promises";
import ExcelJS from "exceljs";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempContext, tempDir } from "../../../test/helpers/temp-app.ts";
import type { AppContext } from "../../app/context.ts";
import { buildWebApp } from "../app.ts";

let dir: string;
let ctx: AppContext;
let app: FastifyInstance;
const FILE_DATE = "2026-03-05T09:07:00.000Z";

beforeAll(async () => {
  dir = tempDir("pdfupload-export-");
  ctx = await tempContext(dir);
  app = await buildWebApp(ctx, { logger: false });
  await app.ready();
  const s = await ctx.settings();
  await ctx.settingsRepo.save({ ...s, journal: { ...s.journal, private: false, currency: "EUR" } });
  const a = await ctx.jobs.create({
    fileName: "0537_Меню_Leonov.pdf",
    source: "test",
    sourcePath: null,
    fileDate: FILE_DATE,
  });
  await ctx.jobs.update(a.id, {
    status: "done",
    order_no: "0537",
    press: "Speedmaster",
    bureau: "Leonov",
    pages: 3,
    plates: 12,
    plate_area_m2: 9.5172,
    money: 3500.5,
  });
  const b = await ctx.jobs.create({
    fileName: '=HYPERLINK("http://evil")',
    source: "test",
    sourcePath: null,
    fileDate: FILE_DATE,
  });
  await ctx.jobs.update(b.id, { status: "failed", error_code: "not-pdf" });
});

afterAll(async () => {
  await app?.close();
  await ctx?.close();
  await fsp.rm(dir, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: "GET", url, headers });

describe("journal export", () => {
  it("CSV for Russian Excel: BOM, ';', decimal comma, Russian headers and states, local date", async () => {
    const r = await get("/api/jobs/export.csv?from=&lang=ru&order=asc");
    expect(r.statusCode).toBe(200);
    expect(r.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = r.body
      .replace(/^\ufeff/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe(
      "№;Дата;Заказ;Файл;Машина;Комплекты;Пластины;Площадь пластин, м²;Сумма, EUR;Бюро;Состояние;Ошибка",
    );
    const cells = lines[1].split(";");
    const d = new Date(FILE_DATE);
    const p = (n: number) => String(n).padStart(2, "0");
    expect(cells[1]).toBe(
      `${p(d.getDate())}.${p(d.getMonth() + 1)}.${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}`,
    );
    expect(cells.slice(2, 11)).toEqual([
      "0537",
      "0537_Меню_Leonov.pdf",
      "Speedmaster",
      "3",
      "12",
      "9,52",
      "3500,50",
      "Leonov",
      "готово",
    ]);
    // The formula protection is kept.
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(lines[2]).toContain(";ошибка;not-pdf");
  });

  it("CSV in English (from Accept-Language): ',' and a decimal point", async () => {
    const r = await get("/api/jobs/export.csv?from=&order=asc", { "accept-language": "en-GB,en;q=0.8" });
    const lines = r.body
      .replace(/^\ufeff/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe(
      'No.,Date,Order,File,Press,Complects,Plates,"Plate area, m²","Money, EUR",Bureau,Status,Error',
    );
    expect(lines[1]).toContain(",Speedmaster,3,12,9.52,3500.50,Leonov,done,");
  });

  it("XLSX: real date and number cells with formats, Russian headers", async () => {
    const r = await get("/api/jobs/export.xlsx?from=&lang=ru&order=asc");
    expect(r.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.name).toBe("Журнал");
    expect(ws.getRow(1).getCell(8).value).toBe("Площадь пластин, м²");
    const row = ws.getRow(2);
    expect(row.getCell(2).value).toBeInstanceOf(Date);
    expect((row.getCell(2).value as Date).toISOString()).toBe(FILE_DATE);
    expect(row.getCell(2).numFmt).toBe("dd.mm.yyyy hh:mm");
    expect(row.getCell(1).value).toBe(1);
    expect(row.getCell(7).value).toBe(12);
    expect(row.getCell(8).value).toBe(9.52);
    expect(row.getCell(8).numFmt).toBe("0.00");
    expect(row.getCell(9).value).toBe(3500.5);
    expect(row.getCell(9).numFmt).toBe('#,##0.00 "EUR"');
    expect(row.getCell(11).value).toBe("готово");
    // A formula-looking name is a text cell, never a formula.
    expect(ws.getRow(3).getCell(4).type).toBe(ExcelJS.ValueType.String);
  });
});
