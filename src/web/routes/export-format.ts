// How the journal export reads in the requesting user's language: Russian Excel wants `;` between
// cells and a decimal comma (it splits "3,5" into two cells after a `,` separator), English Excel
// `,` and a point. Headers and states are worded here because a file has no UI to word them.
import type { JobRow } from "../../store/jobs.repository.ts";

export type ExportLang = "ru" | "en";

/** `lang=ru|en` as the UI sends it, else the browser's Accept-Language, else English. */
export function exportLang(query: unknown, acceptLanguage: string | undefined): ExportLang {
  const q = (query as { lang?: unknown } | null)?.lang;
  if (q === "ru" || q === "en") return q;
  for (const part of (acceptLanguage ?? "").split(",")) {
    const base = part.trim().slice(0, 2).toLowerCase();
    if (base === "ru" || base === "en") return base;
  }
  return "en";
}

const HEADERS: Record<ExportLang, (currency: string) => string[]> = {
  en: (c) => [
    "No.",
    "Date",
    "Order",
    "File",
    "Press",
    "Complects",
    "Plates",
    "Plate area, m²",
    `Money, ${c}`,
    "Bureau",
    "Status",
    "Error",
  ],
  ru: (c) => [
    "№",
    "Дата",
    "Заказ",
    "Файл",
    "Машина",
    "Комплекты",
    "Пластины",
    "Площадь пластин, м²",
    `Сумма, ${c}`,
    "Бюро",
    "Состояние",
    "Ошибка",
  ],
};

const STATUS: Record<ExportLang, Record<string, string>> = {
  en: { queued: "queued", processing: "processing", done: "done", failed: "failed", duplicate: "duplicate" },
  ru: {
    queued: "в очереди",
    processing: "в работе",
    done: "готово",
    failed: "ошибка",
    duplicate: "дубликат",
  },
};

export function exportHeaders(lang: ExportLang, currency: string): string[] {
  return HEADERS[lang](currency);
}

/** Plate area always with this many decimals (as the UI shows it). */
export const AREA_DIGITS = 2;

export type Cell = string | number | Date | null;

/** One row's cells as typed values: numbers stay numbers, the date a Date (XLSX writes real cells). */
export function exportCells(r: JobRow, lang: ExportLang): Cell[] {
  const date = new Date(r.file_date);
  return [
    r.id,
    Number.isNaN(date.getTime()) ? r.file_date : date,
    r.order_no,
    r.file_name,
    r.press,
    r.pages,
    r.plates,
    r.plate_area_m2 === null ? null : round(r.plate_area_m2, AREA_DIGITS),
    r.money === null ? null : round(r.money, 2),
    r.bureau,
    STATUS[lang][r.status] ?? r.status,
    r.error_code,
  ];
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Which cells are figures with fixed decimals (area, money) by column index. */
const DECIMALS: Record<number, number> = { 7: AREA_DIGITS, 8: 2 };

export const CSV_SEPARATOR: Record<ExportLang, string> = { ru: ";", en: "," };

/** The server's local time: the shop reads the hour on its own clock. */
function localDateTime(d: Date, lang: ExportLang): string {
  const p = (n: number) => String(n).padStart(2, "0");
  const time = `${p(d.getHours())}:${p(d.getMinutes())}`;
  return lang === "ru"
    ? `${p(d.getDate())}.${p(d.getMonth() + 1)}.${d.getFullYear()} ${time}`
    : `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${time}`;
}

/**
 * One CSV cell for Excel in that language. A text starting with = + - @ (or a tab/CR) is neutralised
 * with a leading apostrophe, so a spreadsheet never runs a file name as a formula.
 */
export function csvCell(v: Cell, lang: ExportLang, column: number): string {
  if (v === null || v === undefined) return "";
  let s: string;
  if (v instanceof Date) s = localDateTime(v, lang);
  else if (typeof v === "number") {
    const digits = DECIMALS[column];
    s = digits === undefined ? String(v) : v.toFixed(digits);
    if (lang === "ru") s = s.replace(".", ",");
  } else {
    s = v;
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  }
  // Quoted only when it holds the separator, a quote or a line break (a ru cell "9,52" stays bare).
  const special = lang === "ru" ? /[";\n\r]/ : /[",\n\r]/;
  return special.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The whole CSV text with a UTF-8 BOM (Excel reads Cyrillic names right only with it). */
export function journalCsv(rows: JobRow[], lang: ExportLang, currency: string): string {
  const sep = CSV_SEPARATOR[lang];
  const line = (cells: Cell[]) => cells.map((c, i) => csvCell(c, lang, i)).join(sep);
  const head = exportHeaders(lang, currency)
    .map((h) => csvCell(h, lang, -1))
    .join(sep);
  return `\ufeff${[head, ...rows.map((r) => line(exportCells(r, lang)))].join("\r\n")}\r\n`;
}

/** XLSX number formats per column: a real date, integers, fixed-decimal area and money. */
export function xlsxFormats(lang: ExportLang, currency: string): Record<number, string> {
  return {
    1: lang === "ru" ? "dd.mm.yyyy hh:mm" : "yyyy-mm-dd hh:mm",
    5: "0",
    6: "0",
    7: `0.${"0".repeat(AREA_DIGITS)}`,
    8: `#,##0.00 "${currency}"`,
  };
}
