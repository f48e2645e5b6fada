// The journal for paper: oldest first, black on white, A4 landscape; the shop checks the bureau's
// bill with it. All rows of the filter, fetched in pages of 1000.
import { useEffect, useState } from "react";
import { api } from "../../api/client.ts";
import type { JobList, JobView, PressTotal } from "../../api/types.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { coloursLine, jobSeparations, summarise } from "../../lib/jobs.ts";
import { navigate } from "../../lib/router.tsx";
import { apiQuery, type JournalFilter, journalUrl } from "./filters.ts";
import { Totals } from "./Totals.tsx";

const BATCH = 1000;
const MAX_ROWS = 20_000;

export function PrintView({ filter }: { filter: JournalFilter }) {
  const { t, tx, f, errorText } = useI18n();
  const [rows, setRows] = useState<JobView[] | null>(null);
  const [totals, setTotals] = useState<PressTotal[]>([]);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let stop = false;
    (async () => {
      const all: JobView[] = [];
      let total = Infinity;
      let sums: PressTotal[] = [];
      while (all.length < Math.min(total, MAX_ROWS)) {
        const r = await api<JobList>(
          `/api/jobs${apiQuery(filter, { order: "asc", limit: BATCH, offset: all.length })}`,
        );
        total = r.total;
        sums = r.totals;
        all.push(...r.jobs);
        if (!r.jobs.length) break;
      }
      if (stop) return;
      setRows(all);
      setTotals(sums);
    })().catch((e) => setError(e));
    return () => {
      stop = true;
    };
  }, [filter]);

  useEffect(() => {
    // Opens the print dialog once the rows are in (not under automation, where it would block).
    if (rows && !navigator.webdriver) setTimeout(() => window.print(), 300);
  }, [rows]);

  const range = `${filter.from ? f.date(filter.from) : "…"} – ${filter.to ? f.date(filter.to) : f.date(new Date().toISOString())}`;
  const extra = [
    filter.press,
    filter.bureau,
    filter.q && `"${filter.q}"`,
    filter.status && tx(`status.${filter.status}`, filter.status),
  ]
    .filter(Boolean)
    .join(", ");
  return (
    <div className="print-view">
      <div className="no-print print-actions">
        <button type="button" className="primary" onClick={() => window.print()}>
          {t("journal.print")}
        </button>
        <button type="button" onClick={() => navigate(journalUrl(filter))}>
          {t("common.back")}
        </button>
      </div>
      <h1>
        {t("journal.printTitle")} {range}
        {extra ? <span className="print-filter"> · {extra}</span> : null}
      </h1>
      {error ? <p role="alert">{errorText(error)}</p> : null}
      {!rows && !error ? <p>{t("common.loading")}</p> : null}
      {rows ? (
        <>
          <table className="print-table">
            <thead>
              <tr>
                <th>{t("journal.time")}</th>
                <th>{t("journal.order")}</th>
                <th>{t("journal.file")}</th>
                <th>{t("journal.press")}</th>
                <th className="num">{t("journal.complectsShort")}</th>
                <th className="num">{t("journal.plates")}</th>
                <th>{t("journal.colours")}</th>
                <th>{t("journal.bureau")}</th>
                <th>{t("journal.toBureau")}</th>
                <th className="num">{t("journal.areaM2")}</th>
                <th className="num">{t("journal.money")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((j) => {
                const b = summarise(j, "bureau").state;
                return (
                  <tr key={j.id}>
                    <td className="nowrap">{f.dateTime(j.fileDate)}</td>
                    <td>{j.order ?? ""}</td>
                    <td className="file">{j.file}</td>
                    <td>{j.press ?? ""}</td>
                    <td className="num">{j.pages ?? ""}</td>
                    <td className="num">{j.plates ?? ""}</td>
                    <td>{coloursLine(jobSeparations(j))}</td>
                    <td>{j.bureau ?? ""}</td>
                    <td>
                      {j.status === "done" ? tx(`delivery.${b}`, b) : tx(`status.${j.status}`, j.status)}
                    </td>
                    <td className="num">{f.area(j.plateAreaM2)}</td>
                    <td className="num">{f.money(j.money)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="muted">{t("journal.printCount", { n: f.num(rows.length) })}</p>
          <Totals totals={totals} />
        </>
      ) : null}
    </div>
  );
}
