// One job in full: what was found and how, warnings, the step timeline, every page's proof and
// inks, deliveries and notifications with the servers' replies, and the live log.
import { useEffect, useRef, useState } from "react";
import { api, fileUrl } from "../../api/client.ts";
import type { DeliveryView, JobDetail, LogLine, Lookups } from "../../api/types.ts";
import {
  AttentionBadge,
  DeliveryStateBadge,
  ErrorWords,
  StatusBadge,
  WarningsBadge,
  WarningWords,
} from "../../components/Badges.tsx";
import { useFeedback } from "../../components/Feedback.tsx";
import { IconRerun, IconSend, IconTrash } from "../../components/icons.tsx";
import { Lightbox, type LightboxImage } from "../../components/Lightbox.tsx";
import { useI18n } from "../../i18n/i18n.tsx";
import { useDebounced } from "../../lib/debounced.ts";
import { useJobActions } from "../../lib/job-actions.ts";
import { deliveryState } from "../../lib/jobs.ts";
import { useLiveEvents } from "../../lib/live.ts";
import { Link, navigate } from "../../lib/router.tsx";
import { useSession } from "../../lib/session.tsx";
import { useApi } from "../../lib/use-api.ts";
import { proofImages } from "../journal/JournalPage.tsx";
import { Facts } from "./Facts.tsx";
import { PageCard } from "./PageCard.tsx";
import { Timeline } from "./Timeline.tsx";

export function JobPage({ id }: { id: number }) {
  const { t, tx, f, errorText, said } = useI18n();
  const session = useSession();
  const actions = useJobActions();
  const { toast } = useFeedback();
  const job = useApi<JobDetail>(`/api/jobs/${id}`);
  // Bureau names: the admin's corrections, and the operator's pick for a job that waits for one.
  const waitsForBureau = job.data?.status === "needs-bureau" && session.can("operator");
  const lookups = useApi<Lookups>(session.can("admin") || waitsForBureau ? "/api/lookups" : null);
  const [bureauPick, setBureauPick] = useState("");
  const [proofAt, setProofAt] = useState<number | null>(null);
  const [gone, setGone] = useState(false);
  const [extraLog, setExtraLog] = useState<LogLine[]>([]);

  const { reload } = job;
  const scheduleReload = useDebounced(() => void reload(), 300);
  useLiveEvents((e) => {
    if (e.type === "log" && e.id === id)
      setExtraLog((l) => [...l, { at: e.at, level: e.level, msg: e.msg, said: e.said }]);
    else if (e.type === "job" && e.id === id) {
      if (e.status === "deleted") setGone(true);
      else scheduleReload();
    } else if (e.type === "delivery" && e.jobId === id) scheduleReload();
  });

  const logEnd = useRef<HTMLOListElement>(null);
  const logLen = (job.data?.log.length ?? 0) + extraLog.length;
  useEffect(() => {
    // Follow the log while it grows, like the console the original printed to.
    const el = logEnd.current;
    if (el && logLen) el.scrollTop = el.scrollHeight;
  }, [logLen]);

  if (job.error && !job.data)
    return (
      <div>
        <h1>{t("job.title", { id })}</h1>
        <p className="notice error" role="alert">
          {errorText(job.error)}
        </p>
        <Link href="/">{t("common.backToJournal")}</Link>
      </div>
    );
  const j = job.data;
  if (!j) return <p className="muted">{t("common.loading")}</p>;

  const images: LightboxImage[] | null = proofAt === null ? null : proofImages(j, t("job.page"));
  const pages = j.outputs?.pages ?? [];
  const busy = j.status === "queued" || j.status === "processing";
  // A page's render warning as a note is already among the analysis warnings (render adds it there);
  // an old row's plain sentence is not.
  const warnings = [
    ...(j.analysis?.warnings ?? []).map(said),
    ...pages
      .filter((p) => typeof p.warning === "string")
      .map((p) => `${t("job.page")} ${p.page}: ${p.warning}`),
    ...(j.analysis?.sheets.some((s) => s.inksApproximate) ? [t("job.inksApproximate")] : []),
  ];
  // Live lines the reloaded job already has are dropped (the stored time may differ by a few ms).
  const stored = new Set(j.log.map((l) => `${l.level} ${l.msg}`));
  const log = [...j.log, ...extraLog.filter((l) => !stored.has(`${l.level} ${l.msg}`))];

  const rerun = async () => {
    if (await actions.rerun(j)) void reload();
  };
  const remove = async () => {
    if (await actions.remove(j)) navigate("/");
  };
  // Outputs a fault left unmade (preview, proofs, inks) can be made later from the archived original.
  const outputsMissing = j.status === "done" && j.warnings.some((w) => /^no-/.test(w.code));
  const remake = async () => {
    try {
      await api(`/api/jobs/${j.id}/remake`, { method: "POST" });
      toast(t("job.remakeStarted", { file: j.file }), "ok");
      void reload();
    } catch (e) {
      toast(errorText(e), "error");
    }
  };
  const pickBureau = async (bureau: string) => {
    try {
      await api(`/api/jobs/${j.id}/bureau`, { method: "POST", body: { bureau } });
      toast(t("job.bureauPicked", { file: j.file, bureau }), "ok");
      void reload();
    } catch (e) {
      toast(errorText(e), "error");
    }
  };
  const resend = async (d: DeliveryView) => {
    await actions.resend(d, j.file);
    void reload();
  };

  return (
    <div className="job-page">
      <nav className="crumbs" aria-label={t("job.breadcrumbs")}>
        <Link href="/">{t("journal.title")}</Link> › #{j.id}
      </nav>
      <div className="page-head">
        <h1 className="file-title">{j.file}</h1>
        <StatusBadge job={j} />
        <AttentionBadge job={j} />
        <WarningsBadge job={j} />
        <div className="row-actions">
          {j.outputs?.preview ? (
            <a className="button" href={fileUrl(j.id, j.outputs.preview)} target="_blank" rel="noreferrer">
              {t("job.preview")}
            </a>
          ) : null}
          {session.can("operator") ? (
            <>
              {outputsMissing ? (
                <button type="button" onClick={remake} data-testid="remake">
                  <IconRerun /> {t("job.remake")}
                </button>
              ) : null}
              <button type="button" onClick={rerun} disabled={busy}>
                <IconRerun /> {t("journal.rerun")}
              </button>
              <button type="button" className="danger" onClick={remove} disabled={j.status === "processing"}>
                <IconTrash /> {t("journal.delete")}
              </button>
            </>
          ) : null}
        </div>
      </div>
      {gone ? (
        <p className="notice" role="alert">
          {t("job.deleted")}
        </p>
      ) : null}
      {j.error ? (
        <p className="notice error" role="alert">
          <ErrorWords code={j.error.code} message={j.error.message} reason={j.error.reason} />
        </p>
      ) : null}
      {waitsForBureau ? (
        <form
          className="notice pick-bureau"
          data-testid="pick-bureau"
          onSubmit={(e) => {
            e.preventDefault();
            if (bureauPick) void pickBureau(bureauPick);
          }}
        >
          <label>
            {t("job.pickBureau")}{" "}
            <select value={bureauPick} onChange={(e) => setBureauPick(e.target.value)} required>
              <option value="">—</option>
              {(lookups.data?.bureaus ?? []).map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </label>{" "}
          <button type="submit" disabled={!bureauPick}>
            <IconSend /> {t("job.sendToBureau")}
          </button>
          <div className="muted small">{t("job.pickBureauHint")}</div>
        </form>
      ) : null}

      <div className="job-grid">
        <section aria-labelledby="facts-h">
          <h2 id="facts-h">{t("job.facts")}</h2>
          <Facts job={j} lookups={lookups.data} onSaved={() => void reload()} />
        </section>
        <section aria-labelledby="timeline-h">
          <h2 id="timeline-h">{t("job.timeline")}</h2>
          <Timeline job={j} />
          {j.warnings.length ? (
            <>
              <h3>{t("job.outputWarnings")}</h3>
              <ul className="warnings" data-testid="job-warnings">
                {j.warnings.map((w) => (
                  <li key={`${w.code}-${w.sheet ?? ""}-${w.ink ?? ""}`}>
                    <WarningWords w={w} />
                    {w.reason ? <div className="muted small mono break">{w.reason}</div> : null}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {warnings.length ? (
            <>
              <h3>{t("job.warnings")}</h3>
              <ul className="warnings">
                {warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      </div>

      <section aria-labelledby="pages-h">
        <h2 id="pages-h">{t("job.pages")}</h2>
        {j.analysis?.sheets.length ? (
          <div className="page-cards">
            {j.analysis.sheets.map((s) => {
              const out = pages.find((p) => p.page === s.page);
              const at = pages.filter((p) => p.proof).findIndex((p) => p.page === s.page);
              return (
                <PageCard
                  key={s.page}
                  jobId={j.id}
                  sheet={s}
                  out={out}
                  onOpen={at >= 0 ? () => setProofAt(at) : undefined}
                />
              );
            })}
          </div>
        ) : (
          <p className="muted">{t("job.noPages")}</p>
        )}
      </section>

      <section aria-labelledby="deliveries-h">
        <h2 id="deliveries-h">{t("job.deliveries")}</h2>
        {j.deliveries.length ? (
          <div className="table-wrap">
            <table className="deliveries">
              <thead>
                <tr>
                  <th scope="col">{t("job.kind")}</th>
                  <th scope="col">{t("job.target")}</th>
                  <th scope="col">{t("job.remotePath")}</th>
                  <th scope="col">{t("job.state")}</th>
                  <th scope="col" className="num">
                    {t("job.attempts")}
                  </th>
                  <th scope="col">{t("job.sentAt")}</th>
                  <th scope="col">{t("job.reply")}</th>
                  {session.can("operator") ? (
                    <th scope="col">
                      <span className="visually-hidden">{t("journal.actions")}</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {j.deliveries.map((d) => (
                  <tr key={d.id} data-delivery={d.id} data-state={d.state}>
                    <td>{tx(`kind.${d.kind}`, d.kind)}</td>
                    <td>{d.target || "—"}</td>
                    <td className="mono break">{d.remotePath || "—"}</td>
                    <td>
                      <DeliveryStateBadge state={deliveryState(d)} />
                      {d.error ? (
                        <div className="err small" lang={d.errorNote ? undefined : "en"}>
                          {d.errorNote ? said(d.errorNote) : d.error}
                        </div>
                      ) : null}
                      {d.state === "pending" && d.nextAt ? (
                        <div className="muted small">{t("delivery.nextAt", { at: f.time(d.nextAt) })}</div>
                      ) : null}
                    </td>
                    <td className="num">{d.attempts}</td>
                    <td className="nowrap">{f.dateTime(d.sentAt)}</td>
                    <td className="mono break small">{d.reply ?? "—"}</td>
                    {session.can("operator") ? (
                      <td>
                        {d.state !== "skipped" ? (
                          <button
                            type="button"
                            onClick={() => resend(d)}
                            aria-label={t("journal.resendTo", { target: d.target })}
                          >
                            <IconSend /> {t("job.resend")}
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">{t("job.noDeliveries")}</p>
        )}
      </section>

      <section aria-labelledby="notifications-h">
        <h2 id="notifications-h">{t("job.notifications")}</h2>
        {j.notifications.length ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("job.at")}</th>
                  <th scope="col">{t("job.event")}</th>
                  <th scope="col">{t("job.recipient")}</th>
                  <th scope="col">{t("job.channel")}</th>
                  <th scope="col">{t("job.state")}</th>
                  <th scope="col">{t("job.reply")}</th>
                </tr>
              </thead>
              <tbody>
                {j.notifications.map((n, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: notifications have no id in the API and never reorder
                  <tr key={i}>
                    <td className="nowrap">{f.dateTime(n.at)}</td>
                    <td>{tx(`event.${n.event}`, n.event)}</td>
                    <td>{n.recipient}</td>
                    <td>{tx(`channel.${n.channel}`, n.channel)}</td>
                    <td>
                      <DeliveryStateBadge state={n.ok ? "sent" : "failed"} />
                      {n.error ? (
                        // The channel's own reply (SMTP, HTTP): the server's English words.
                        <div className="err small" lang="en">
                          {n.error}
                        </div>
                      ) : null}
                    </td>
                    <td className="mono break small">{n.reply ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">{t("job.noNotifications")}</p>
        )}
      </section>

      <section aria-labelledby="log-h">
        <h2 id="log-h">{t("job.log")}</h2>
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling log must be reachable to scroll by keyboard */}
        <ol className="log" role="log" aria-live="polite" ref={logEnd} tabIndex={0} aria-label={t("job.log")}>
          {log.map((l, i) => (
            // A line the server made from a note is worded here; any other is its English log, marked so.
            // biome-ignore lint/suspicious/noArrayIndexKey: log lines only ever append
            <li key={i} className={`log-${l.level}`} lang={l.said ? undefined : "en"}>
              <time dateTime={l.at}>{f.time(l.at)}</time>{" "}
              <span className="log-level">{tx(`level.${l.level}`, l.level)}</span>{" "}
              {l.said ? said(l.said) : l.msg}
            </li>
          ))}
          {!log.length ? <li className="muted">{t("job.noLog")}</li> : null}
        </ol>
      </section>
      <Lightbox images={images} start={proofAt ?? 0} onClose={() => setProofAt(null)} />
    </div>
  );
}
