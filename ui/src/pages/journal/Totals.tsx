// Totals for the rows the filter selects (done jobs): plates, m² of plate and money per press.
import type { PressTotal } from "../../api/types.ts";
import { useI18n } from "../../i18n/i18n.tsx";

export function Totals({ totals }: { totals: PressTotal[] }) {
  const { t, f } = useI18n();
  const sum = totals.reduce(
    (a, x) => ({
      jobs: a.jobs + x.jobs,
      plates: a.plates + x.plates,
      areaM2: a.areaM2 + x.areaM2,
      money: a.money + x.money,
    }),
    { jobs: 0, plates: 0, areaM2: 0, money: 0 },
  );
  return (
    <table className="totals" aria-label={t("journal.totals")}>
      <caption>{t("journal.totals")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("journal.press")}</th>
          <th scope="col" className="num">
            {t("journal.jobs")}
          </th>
          <th scope="col" className="num">
            {t("journal.plates")}
          </th>
          <th scope="col" className="num">
            {t("journal.areaM2")}
          </th>
          <th scope="col" className="num">
            {t("journal.money")}
          </th>
        </tr>
      </thead>
      <tbody>
        {totals.map((x) => (
          <tr key={x.press ?? ""} data-press={x.press ?? ""}>
            <th scope="row">{x.press ?? t("journal.noPress")}</th>
            <td className="num">{f.num(x.jobs)}</td>
            <td className="num">{f.num(x.plates)}</td>
            <td className="num">{f.area(x.areaM2)}</td>
            <td className="num">{f.money(x.money)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{t("journal.total")}</th>
          <td className="num">{f.num(sum.jobs)}</td>
          <td className="num" data-total="plates">
            {f.num(sum.plates)}
          </td>
          <td className="num">{f.area(sum.areaM2)}</td>
          <td className="num">{f.money(sum.money)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
