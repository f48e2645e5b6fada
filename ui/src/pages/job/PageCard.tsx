// One page (complect): thumbnail that opens the proof, plate and paper, separations with ink
// coverage, and the Signa marks as read.
import { lazy, Suspense } from "react";
import { fileUrl } from "../../api/client.ts";
import type { Sheet } from "../../api/types.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { type PageOutput, swatch } from "../../lib/jobs.ts";

// ECharts comes on its own chunk, only for sheets with ink zones.
const InkZones = lazy(() => import("./InkZones.tsx"));

export function PageCard({
  jobId,
  sheet,
  out,
  onOpen,
}: {
  jobId: number;
  sheet: Sheet;
  out?: PageOutput;
  onOpen?: () => void;
}) {
  const { t, tx, f, said } = useI18n();
  const marks = Object.entries(sheet.marks ?? {});
  return (
    <article className="page-card" data-page={sheet.page}>
      <h3>
        {t("job.page")} {sheet.page}
      </h3>
      {out?.thumbnail ? (
        <button
          type="button"
          className="thumb-large"
          onClick={onOpen}
          disabled={!onOpen}
          aria-label={t("job.openProofPage", { n: sheet.page })}
        >
          <img
            src={fileUrl(jobId, out.thumbnail)}
            alt={t("job.thumbnailOf", { n: sheet.page })}
            loading="lazy"
          />
        </button>
      ) : (
        <div className="thumb-none muted">{t("job.noProof")}</div>
      )}
      {out?.missing?.length ? (
        <p className="warn small" data-testid="page-missing">
          {t("job.notRendered", { what: out.missing.map((m) => tx(`job.missing.${m}`, m)).join(", ") })}
        </p>
      ) : null}
      {out?.warning ? <p className="warn small">{said(out.warning)}</p> : null}
      <p className="small">
        {t("job.plate")}: {f.mm(sheet.plateMm)}
        {sheet.paperMm ? (
          <>
            {" · "}
            {t("job.paper")}: {f.mm(sheet.paperMm)}{" "}
            <span className="how">{tx(`by.${sheet.paperBy}`, String(sheet.paperBy))}</span>
          </>
        ) : null}
      </p>
      <table className="inks">
        <caption className="visually-hidden">{t("journal.inksPerPage")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("job.separation")}</th>
            <th scope="col" className="num">
              {t("job.coverage")}
            </th>
          </tr>
        </thead>
        <tbody>
          {sheet.colorants.map((c) => {
            const v = sheet.inks?.[c];
            return (
              <tr key={c}>
                <th scope="row">
                  <i className="sw" style={{ background: swatch(c) }} /> {c}
                </th>
                <td className="num">
                  {v == null ? (
                    "—"
                  ) : (
                    <>
                      <span
                        className="ink-bar"
                        style={{ width: `${Math.min(100, v) * 0.6}px`, background: swatch(c) }}
                        aria-hidden="true"
                      />
                      {f.percent(v)}
                    </>
                  )}
                </td>
              </tr>
            );
          })}
          {Object.entries(sheet.inks ?? {})
            .filter(([c]) => !sheet.colorants.includes(c))
            .map(([c, v]) => (
              <tr key={c}>
                <th scope="row">
                  <i className="sw" style={{ background: swatch(c) }} /> {c}
                </th>
                <td className="num">{f.percent(v)}</td>
              </tr>
            ))}
        </tbody>
      </table>
      {sheet.inkZones ? (
        <Suspense fallback={<p className="muted small">…</p>}>
          <InkZones zones={sheet.inkZones} ppfUrl={out?.ppf ? fileUrl(jobId, out.ppf) : undefined} />
        </Suspense>
      ) : null}
      {marks.length ? (
        <details>
          <summary>{t("job.marks", { n: marks.length })}</summary>
          <dl className="marks">
            {marks.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v || "—"}</dd>
              </div>
            ))}
          </dl>
        </details>
      ) : null}
    </article>
  );
}
