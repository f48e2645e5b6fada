// Job status and delivery state: an icon plus words, never colour alone.
import type { ReactElement } from "react";
import type { DeliveryView, JobView, Note } from "../api/types.ts";
import { useI18n } from "../i18n/i18n.tsx";
import { type DeliverySummary, deliveryState, isWaitingDisk, isWaitingIncomplete } from "../lib/jobs.ts";
import { Hint } from "./Hint.tsx";
import { IconFail, IconOk, IconSkip, IconWait, IconWarn } from "./icons.tsx";

export function StatusBadge({ job }: { job: Pick<JobView, "status" | "step" | "error"> }) {
  const { t, tx } = useI18n();
  const disk = isWaitingDisk(job);
  const waiting = disk || isWaitingIncomplete(job);
  const words = disk
    ? t("status.diskFull")
    : waiting
      ? t("status.incomplete")
      : tx(`status.${job.status}`, job.status);
  const step =
    job.step && job.status === "processing" && !disk ? `: ${tx(`step.${job.step}`, job.step)}` : "";
  const badge = (
    <span className={`badge badge-${waiting ? "waiting" : job.status}`} data-status={job.status}>
      {job.status === "processing" ? <span className="spinner" aria-hidden="true" /> : null}
      {words}
      {step}
    </span>
  );
  if ((job.status !== "failed" && job.status !== "duplicate" && !disk) || !job.error) return badge;
  return (
    <Hint
      content={<ErrorWords code={job.error.code} message={job.error.message} reason={job.error.reason} />}
      label={`${words}: ${t("journal.errorDetails")}`}
    >
      {badge}
    </Hint>
  );
}

/** «проверить»: the job went through but a person should check its facts; the reasons on hover. */
export function AttentionBadge({ job }: { job: Pick<JobView, "attention" | "analysis"> }) {
  const { t, tx } = useI18n();
  if (!job.attention.length) return null;
  return (
    <Hint
      content={
        <span className="attention-details">
          {job.attention.map((r) => (
            <span key={r}>{tx(`attention.${r}`, r)}</span>
          ))}
        </span>
      }
      label={t("attention.title")}
    >
      <span className="badge badge-attention" data-testid="attention">
        <IconWarn />
        {t("attention.badge")}
      </span>
    </Hint>
  );
}

/** One job warning (a missing output, a blank or missing plate) in the user's words. */
export function WarningWords({ w }: { w: JobView["warnings"][number] }) {
  const { tx } = useI18n();
  return <>{tx(`warning.${w.code}`, w.code, { sheet: w.sheet ?? "", ink: w.ink ?? "" })}</>;
}

/** The journal row's glance at what a done job lacks or should tell; each warning on hover. */
export function WarningsBadge({ job }: { job: Pick<JobView, "warnings"> }) {
  const { t } = useI18n();
  if (!job.warnings.length) return null;
  return (
    <Hint
      content={
        <span className="attention-details warning-details">
          {job.warnings.map((w) => (
            <span key={`${w.code}-${w.sheet ?? ""}-${w.ink ?? ""}`}>
              <WarningWords w={w} />
            </span>
          ))}
        </span>
      }
      label={t("job.outputWarnings")}
    >
      <span className="badge badge-warnings" data-testid="warnings">
        <IconWarn />
        {t("warnings.badge", { count: job.warnings.length })}
      </span>
    </Hint>
  );
}

/** An error code in words (analysis and step codes), with the server's own message below. */
export function ErrorWords({
  code,
  message,
  reason,
}: {
  code: string;
  message?: string | null;
  reason?: Note | null;
}) {
  const { tx, said } = useI18n();
  const words = tx(`error.${code}`, code);
  const advice = tx(`advice.${code}`, "");
  // What went wrong from the server's note and what to do from the code, both in this language. An old
  // row (no note) of a refusal shows its English sentence, which holds the reason and the advice.
  const worded = reason ? [said(reason), advice].filter(Boolean).join(" ") : advice;
  // The server's own message (an old row, a program's error text) is English: marked so.
  const raw = !reason && (OLD_SENTENCE_CODES.has(code) || !advice) ? message : null;
  const detail = raw ?? worded;
  return (
    <span className="error-words">
      <strong>{words}</strong>
      {detail && detail !== words ? (
        <span className="muted" lang={raw ? "en" : undefined}>
          {" "}
          — {detail}
        </span>
      ) : null}
    </span>
  );
}

/** Refusals whose stored message says why; without a note, that sentence is the only reason there is. */
const OLD_SENTENCE_CODES = new Set([
  "empty",
  "not-pdf",
  "damaged",
  "encrypted",
  "too-large",
  "too-complex",
  "reader-crash",
]);

const ICON: Record<DeliverySummary, () => ReactElement> = {
  none: IconSkip,
  sent: IconOk,
  pending: IconWait,
  retrying: IconWait,
  failed: IconFail,
  skipped: IconSkip,
};

export function DeliveryStateBadge({ state }: { state: DeliverySummary }) {
  const { tx } = useI18n();
  const Icon = ICON[state];
  return (
    <span className={`dstate dstate-${state}`}>
      <Icon />
      <span className="dstate-text">{tx(`delivery.${state}`, state)}</span>
    </span>
  );
}

/** One delivery's details for a hover: target, path, attempts, error and the server's reply. */
export function DeliveryDetails({ list }: { list: DeliveryView[] }) {
  const { t, tx, f, said } = useI18n();
  return (
    <span className="delivery-details">
      {list.map((d) => (
        <span key={d.id} className="delivery-detail">
          <strong>{d.target || "—"}</strong> {tx(`delivery.${deliveryState(d)}`, d.state)}
          {d.remotePath ? <span className="mono"> {d.remotePath}</span> : null}
          {d.attempts ? <span> · {t("delivery.attempts", { n: d.attempts })}</span> : null}
          {d.sentAt ? <span> · {f.dateTime(d.sentAt)}</span> : null}
          {d.error ? (
            <span className="err" lang={d.errorNote ? undefined : "en"}>
              {" "}
              {d.errorNote ? said(d.errorNote) : d.error}
            </span>
          ) : null}
          {d.reply ? (
            <span className="mono">
              {" "}
              {t("delivery.reply")}: {d.reply}
            </span>
          ) : null}
          {d.nextAt && d.state === "pending" ? (
            <span> · {t("delivery.nextAt", { at: f.time(d.nextAt) })}</span>
          ) : null}
        </span>
      ))}
    </span>
  );
}
