// Reports per year by month: plates and m² of plate, plates per press, money, and the year
// against the one before. Each chart has its numbers in a table beside it.
import { useMemo } from "react";
import type { Reports, YearReport } from "../../api/types.ts";
import { type I18n, useI18n } from "../../i18n/i18n.tsx";
import { navigate, useLocation } from "../../lib/router.tsx";
import { useApi } from "../../lib/use-api.ts";
import { Chart, type ChartOption } from "./Chart.tsx";

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);
// Distinguishable in colour and in greyscale print.
const PALETTE = ["#1f5fa8", "#e07b00", "#2a9d5c", "#b03a8c", "#6b6b6b", "#c9a400", "#17a2b8", "#8c564b"];

function base(i: I18n): ChartOption {
  return {
    color: PALETTE,
    animation: false,
    textStyle: { fontFamily: "inherit" },
    grid: { left: 56, right: 56, top: 40, bottom: 32 },
    // ECharts writes 3,500 whatever the language: every figure goes through the user's locale.
    tooltip: { trigger: "axis", valueFormatter: (v: unknown) => i.f.num(Number(v), 2) },
    legend: { top: 0 },
    xAxis: { type: "category", data: MONTHS.map((m) => i.f.month(m)) },
  };
}

export default function ReportsPage() {
  const i18n = useI18n();
  const { t, f, errorText } = i18n;
  const loc = useLocation();
  const now = new Date().getFullYear();
  const year = Number(loc.search.get("year")) || now;
  const r = useApi<Reports>(`/api/reports?year=${year}`);
  const years = Array.from({ length: 12 }, (_, k) => now - k);
  if (!years.includes(year)) years.push(year);

  const cur = r.data?.current;
  const prev = r.data?.previous;
  const options = useMemo(() => (cur && prev ? chartOptions(cur, prev, i18n) : null), [cur, prev, i18n]);

  return (
    <div className="reports">
      <div className="page-head">
        <h1>{t("reports.title")}</h1>
        <div className="year-picker">
          <button
            type="button"
            onClick={() => navigate(`/reports?year=${year - 1}`)}
            aria-label={t("reports.prevYear")}
          >
            ‹
          </button>
          <label>
            <span className="visually-hidden">{t("reports.year")}</span>
            <select value={year} onChange={(e) => navigate(`/reports?year=${e.target.value}`)} name="year">
              {years
                .sort((a, b) => b - a)
                .map((y) => (
                  <option key={y} value={y}>
                    {y}
                  </option>
                ))}
            </select>
          </label>
          <button
            type="button"
            onClick={() => navigate(`/reports?year=${year + 1}`)}
            aria-label={t("reports.nextYear")}
            disabled={year >= now}
          >
            ›
          </button>
          <button type="button" className="no-print" onClick={() => window.print()}>
            {t("journal.print")}
          </button>
        </div>
      </div>
      {r.error ? (
        <p className="notice error" role="alert">
          {errorText(r.error)}
        </p>
      ) : null}
      {!cur || !prev || !options ? (
        <p className="muted">{t("common.loading")}</p>
      ) : (
        <>
          <p className="report-summary">
            {t("reports.summary", {
              year: cur.year,
              plates: f.num(cur.totals.plates),
              area: f.area(cur.totals.areaM2),
              money: f.money(cur.totals.money),
            })}
          </p>
          <section className="report-block" aria-labelledby="r1">
            <h2 id="r1">{t("reports.platesArea")}</h2>
            <Chart option={options.platesArea} label={t("reports.platesArea")} />
            <MonthTable
              caption={t("reports.platesArea")}
              cols={[t("journal.plates"), t("journal.areaM2")]}
              rows={cur.months.map((m) => [f.num(m.plates), f.area(m.areaM2)])}
              total={[f.num(cur.totals.plates), f.area(cur.totals.areaM2)]}
            />
          </section>
          <section className="report-block" aria-labelledby="r2">
            <h2 id="r2">{t("reports.perPress")}</h2>
            <Chart option={options.perPress} label={t("reports.perPress")} />
            <MonthTable
              caption={t("reports.perPress")}
              cols={cur.presses.map((p) => p.press)}
              rows={MONTHS.map((m) => cur.presses.map((p) => f.num(p.plates[m - 1])))}
              total={cur.presses.map((p) => f.num(p.plates.reduce((a, b) => a + b, 0)))}
            />
          </section>
          <section className="report-block" aria-labelledby="r3">
            <h2 id="r3">{t("reports.money")}</h2>
            <Chart option={options.money} label={t("reports.money")} />
            <MonthTable
              caption={t("reports.money")}
              cols={[t("journal.money")]}
              rows={cur.months.map((m) => [f.money(m.money)])}
              total={[f.money(cur.totals.money)]}
            />
          </section>
          <section className="report-block" aria-labelledby="r4">
            <h2 id="r4">{t("reports.vsPrevious", { year: cur.year, prev: prev.year })}</h2>
            <Chart
              option={options.compare}
              label={t("reports.vsPrevious", { year: cur.year, prev: prev.year })}
            />
            <MonthTable
              caption={t("reports.vsPrevious", { year: cur.year, prev: prev.year })}
              cols={[
                `${t("journal.plates")} ${cur.year}`,
                `${t("journal.plates")} ${prev.year}`,
                `${t("journal.money")} ${cur.year}`,
                `${t("journal.money")} ${prev.year}`,
              ]}
              rows={MONTHS.map((m) => [
                f.num(cur.months[m - 1].plates),
                f.num(prev.months[m - 1].plates),
                f.money(cur.months[m - 1].money),
                f.money(prev.months[m - 1].money),
              ])}
              total={[
                f.num(cur.totals.plates),
                f.num(prev.totals.plates),
                f.money(cur.totals.money),
                f.money(prev.totals.money),
              ]}
            />
          </section>
        </>
      )}
    </div>
  );
}

/** The reports' chart options; exported for the test of their number formats. */
export function chartOptions(cur: YearReport, prev: YearReport, i: I18n) {
  const { t, f } = i;
  const b = base(i);
  const count = { formatter: (v: number) => f.num(v) };
  const area = { formatter: (v: number) => f.num(v, 1) };
  return {
    platesArea: {
      ...b,
      yAxis: [
        { type: "value", name: t("journal.plates"), minInterval: 1, axisLabel: count },
        { type: "value", name: t("reports.m2"), splitLine: { show: false }, axisLabel: area },
      ],
      series: [
        { name: t("journal.plates"), type: "bar", data: cur.months.map((m) => m.plates) },
        {
          name: t("journal.areaM2"),
          type: "line",
          yAxisIndex: 1,
          data: cur.months.map((m) => m.areaM2),
          symbol: "circle",
          tooltip: { valueFormatter: (v: unknown) => f.area(Number(v)) },
        },
      ],
    },
    perPress: {
      ...b,
      yAxis: { type: "value", name: t("journal.plates"), minInterval: 1, axisLabel: count },
      series: cur.presses.map((p) => ({ name: p.press, type: "bar", stack: "plates", data: p.plates })),
    },
    money: {
      ...b,
      yAxis: {
        type: "value",
        name: t("journal.money"),
        axisLabel: { formatter: (v: number) => f.moneyShort(v) },
      },
      tooltip: { trigger: "axis", valueFormatter: (v: unknown) => f.money(Number(v)) },
      series: [{ name: t("journal.money"), type: "bar", data: cur.months.map((m) => m.money) }],
    },
    compare: {
      ...b,
      yAxis: { type: "value", name: t("journal.plates"), minInterval: 1, axisLabel: count },
      series: [
        { name: String(cur.year), type: "bar", data: cur.months.map((m) => m.plates) },
        {
          name: String(prev.year),
          type: "bar",
          data: prev.months.map((m) => m.plates),
          itemStyle: { opacity: 0.55 },
        },
      ],
    },
  } satisfies Record<string, ChartOption>;
}

function MonthTable({
  caption,
  cols,
  rows,
  total,
}: {
  caption: string;
  cols: string[];
  rows: string[][];
  total: string[];
}) {
  const { t, f } = useI18n();
  return (
    <div className="table-wrap report-table">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("reports.month")}</th>
            {cols.map((c) => (
              <th key={c} scope="col" className="num">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, k) => (
            <tr key={MONTHS[k]}>
              <th scope="row">{f.month(MONTHS[k], "long")}</th>
              {r.map((v, c) => (
                <td key={cols[c] ?? c} className="num">
                  {v}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t("journal.total")}</th>
            {total.map((v, c) => (
              <td key={cols[c] ?? c} className="num">
                {v}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
