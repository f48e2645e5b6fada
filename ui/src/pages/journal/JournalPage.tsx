// The journal (home page): filtered rows newest first, totals, live updates, upload, actions.
import { useMemo, useState } from "react";
import { fileUrl } from "../../api/client.ts";
import type { DeliveryView, JobList, JobView, Lookups } from "../../api/types.ts";
import { Lightbox, type LightboxImage } from "../../components/Lightbox.tsx";
import { useI18n } from "../../i18n/i18n.tsx";
import { useDebounced } from "../../lib/debounced.ts";
import { useJobActions } from "../../lib/job-actions.ts";
import { useLiveConnected, useLiveEvents } from "../../lib/live.ts";
import { Link, navigate, useLocation } from "../../lib/router.tsx";
import { useSession } from "../../lib/session.tsx";
import { useApi } from "../../lib/use-api.ts";
import { Filters } from "./Filters.tsx";
import { apiQuery, type JournalFilter, journalUrl, PAGE_SIZE, readFilter } from "./filters.ts";
import { JobRow, type RowActions } from "./JobRow.tsx";
import { PrintView } from "./PrintView.tsx";
import { Totals } from "./Totals.tsx";
import { UploadZone } from "./UploadZone.tsx";

export function JournalPage() {
  const loc = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the href is the filter's identity
  const filter = useMemo(() => readFilter(loc.search), [loc.href]);
  if (loc.search.get("print") === "1") return <PrintView filter={filter} />;
  return <JournalScreen filter={filter} />;
}

/** Proofs of a job's pages for the lightbox. */
export function proofImages(job: JobView, pageWord: string): LightboxImage[] {
  return (job.outputs?.pages ?? [])
    .filter((p) => p.proof)
    .map((p) => ({
      src: fileUrl(job.id, p.proof as string),
      caption: `${job.file} — ${pageWord} ${p.page}`,
    }));
}

function JournalScreen({ filter }: { filter: JournalFilter }) {
  const { t, errorText, f } = useI18n();
  const session = useSession();
  const live = useLiveConnected();
  const lookups = useApi<Lookups>("/api/lookups");
  const list = useApi<JobList>(`/api/jobs${apiQuery(filter, { limit: PAGE_SIZE, offset: filter.offset })}`);
  const [proofs, setProofs] = useState<LightboxImage[] | null>(null);

  // Live: show the new state at once, then reload the page of rows (debounced: a job sends
  // several events per second while it runs) so new rows, figures and totals fill in.
  const { reload, set } = list;
  const scheduleReload = useDebounced(() => void reload(), 250);
  useLiveEvents((e) => {
    if (e.type === "job") {
      set((d) => {
        if (!d) return d;
        if (e.status === "deleted") return { ...d, jobs: d.jobs.filter((j) => j.id !== e.id) };
        return {
          ...d,
          jobs: d.jobs.map((j) =>
            j.id === e.id ? { ...j, status: e.status as JobView["status"], step: e.step } : j,
          ),
        };
      });
      scheduleReload();
    } else if (e.type === "delivery") {
      set((d) =>
        d
          ? {
              ...d,
              jobs: d.jobs.map((j) =>
                j.id === e.jobId
                  ? {
                      ...j,
                      deliveries: j.deliveries.map((x) =>
                        x.id === e.id ? { ...x, state: e.state as DeliveryView["state"] } : x,
                      ),
                    }
                  : j,
              ),
            }
          : d,
      );
      scheduleReload();
    }
  });

  const jobActions = useJobActions();
  const actions: RowActions = {
    canOperate: session.can("operator"),
    onProof: (job) => setProofs(proofImages(job, t("job.page"))),
    onRerun: async (job) => {
      await jobActions.rerun(job);
    },
    onResend: async (job, d) => {
      await jobActions.resend(d, job.file);
      void reload();
    },
    onDelete: async (job) => {
      if (await jobActions.remove(job))
        set((d) => (d ? { ...d, total: d.total - 1, jobs: d.jobs.filter((j) => j.id !== job.id) } : d));
    },
  };

  const data = list.data;
  const needLogin = (list.error as { code?: string } | null)?.code === "login-required";
  const pageFrom = data?.total ? filter.offset + 1 : 0;
  const pageTo = data ? filter.offset + data.jobs.length : 0;

  return (
    <div className="journal">
      <div className="page-head">
        <h1>{t("journal.title")}</h1>
        <span
          className={`live ${live ? "on" : ""}`}
          title={live ? t("journal.liveOn") : t("journal.liveOff")}
        >
          <span className="dot" aria-hidden="true" />
          {live ? t("journal.liveOn") : t("journal.liveOff")}
        </span>
      </div>
      <Filters filter={filter} lookups={lookups.data} />
      {session.can("operator") ? <UploadZone /> : null}
      {needLogin ? (
        <p className="notice">
          {t("journal.private")}{" "}
          <Link href={`/login?next=${encodeURIComponent(journalUrl(filter))}`}>{t("nav.login")}</Link>
        </p>
      ) : list.error ? (
        <p className="notice error" role="alert">
          {errorText(list.error)}
        </p>
      ) : null}
      {data ? (
        <>
          <div className="table-wrap">
            <table className="jobs" aria-label={t("journal.title")} aria-busy={list.loading}>
              <thead>
                <tr>
                  <th scope="col">{t("journal.time")}</th>
                  <th scope="col" className="col-order">
                    {t("journal.order")}
                  </th>
                  <th scope="col">{t("journal.file")}</th>
                  <th scope="col">{t("journal.press")}</th>
                  <th scope="col" className="num col-pages" title={t("journal.complectsHint")}>
                    {t("journal.complects")}
                  </th>
                  <th scope="col" className="num">
                    {t("journal.plates")}
                  </th>
                  <th scope="col">{t("journal.inks")}</th>
                  <th scope="col">{t("journal.bureau")}</th>
                  <th scope="col">{t("journal.toBureau")}</th>
                  <th scope="col">{t("journal.toPress")}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t("journal.proof")}</span>
                  </th>
                  {actions.canOperate ? (
                    <th scope="col">
                      <span className="visually-hidden">{t("journal.actions")}</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {data.jobs.map((j) => (
                  <JobRow key={j.id} job={j} a={actions} />
                ))}
                {!data.jobs.length ? (
                  <tr>
                    <td colSpan={12} className="empty">
                      {t("journal.empty")}
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
          <div className="pager">
            <span>
              {t("journal.shown", { from: f.num(pageFrom), to: f.num(pageTo), total: f.num(data.total) })}
            </span>
            <button
              type="button"
              disabled={filter.offset === 0}
              onClick={() =>
                navigate(journalUrl({ ...filter, offset: Math.max(0, filter.offset - PAGE_SIZE) }))
              }
            >
              {t("journal.newer")}
            </button>
            <button
              type="button"
              disabled={pageTo >= data.total}
              onClick={() => navigate(journalUrl({ ...filter, offset: filter.offset + PAGE_SIZE }))}
            >
              {t("journal.older")}
            </button>
          </div>
          <p className="legend">
            <span className="legend-item tone-bureau-failed">{t("journal.legendBureau")}</span>
            <span className="legend-item tone-press-failed">{t("journal.legendPress")}</span>
            <span className="legend-item tone-duplicate">{t("journal.legendDuplicate")}</span>
          </p>
          <Totals totals={data.totals} />
        </>
      ) : list.loading ? (
        <p className="muted">{t("common.loading")}</p>
      ) : null}
      <Lightbox images={proofs} onClose={() => setProofs(null)} />
    </div>
  );
}
