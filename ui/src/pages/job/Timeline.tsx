// The job's steps in order with their durations (a bar each, to see where the time went) and
// errors; the running step shows as running. Under each step, where its time went (its stages).
import type { JobView } from "../../api/types.ts";
import { ErrorWords } from "../../components/Badges.tsx";
import { useI18n } from "../../i18n/i18n.tsx";

export function Timeline({ job }: { job: JobView }) {
  const { t, tx, f, said } = useI18n();
  const max = Math.max(1, ...job.timeline.map((e) => e.ms));
  const total = job.timeline.reduce((a, e) => a + e.ms, 0);
  return (
    <table className="timeline">
      <thead>
        <tr>
          <th scope="col">{t("job.step")}</th>
          <th scope="col">{t("job.state")}</th>
          <th scope="col">{t("job.started")}</th>
          <th scope="col" className="num">
            {t("job.duration")}
          </th>
          <th scope="col">{t("job.details")}</th>
        </tr>
      </thead>
      <tbody>
        {job.timeline.map((e, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a step can appear twice (retry), entries never reorder
          <tr key={i} className={`tl-${e.status}`} data-step={e.step}>
            <th scope="row">{tx(`step.${e.step}`, e.step)}</th>
            <td>{tx(`tl.${e.status}`, e.status)}</td>
            <td className="nowrap">{f.time(e.startedAt)}</td>
            <td className="num nowrap">
              <span
                className="bar"
                style={{ width: `${Math.max(2, (e.ms / max) * 60)}px` }}
                aria-hidden="true"
              />
              {f.ms(e.ms)}
            </td>
            <td>
              {e.error ? (
                <ErrorWords code={e.error.code} message={e.error.message} reason={e.error.reason} />
              ) : (
                <span className="step-info">{said(e.said ?? e.info)}</span>
              )}
              {e.stages?.length ? (
                <ul className="stages" aria-label={t("job.stages")}>
                  {e.stages.map((s) => (
                    <li key={s.name} data-stage={s.name}>
                      {tx(`stage.${s.name}`, s.name)} {f.ms(s.ms)}
                      {s.count > 1 ? ` ${t("stage.runs", { n: s.count })}` : ""}
                    </li>
                  ))}
                </ul>
              ) : null}
            </td>
          </tr>
        ))}
        {job.status === "processing" && job.step ? (
          <tr className="tl-running">
            <th scope="row">{tx(`step.${job.step}`, job.step)}</th>
            <td>
              <span className="spinner" aria-hidden="true" /> {t("tl.running")}
            </td>
            <td colSpan={3} />
          </tr>
        ) : null}
        {job.status === "queued" && !job.timeline.length ? (
          <tr>
            <td colSpan={5} className="muted">
              {t("status.queued")}
            </td>
          </tr>
        ) : null}
      </tbody>
      {job.timeline.length ? (
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              {t("journal.total")}
            </th>
            <td className="num">{f.ms(total)}</td>
            <td />
          </tr>
        </tfoot>
      ) : null}
    </table>
  );
}
