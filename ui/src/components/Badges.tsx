// Job status and delivery state: an icon plus words, never colour alone.
import type { ReactElement } from "react";
import type { DeliveryView, JobView } from "../api/types.ts";
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
      content={<ErrorWords code={job.error.code} message={job.error.message} />}
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

/** An error code in words (analysis and step codes), with the server's own message below. */
export function ErrorWords({ code, message }: { code: string; message?: string | null }) {
  const { tx } = useI18n();
  const words = tx(`error.${code}`, code);
  return (
    <span className="error-words">
      <strong>{words}</strong>
      {message && message !== words ? <span className="muted"> — {message}</span> : null}
    </span>
  );
}

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
  const { t, tx, f } = useI18n();
  return (
    <span className="delivery-details">
      {list.map((d) => (
        <span key={d.id} className="delivery-detail">
          <strong>{d.target || "—"}</strong> {tx(`delivery.${deliveryState(d)}`, d.state)}
          {d.remotePath ? <span className="mono"> {d.remotePath}</span> : null}
          {d.attempts ? <span> · {t("delivery.attempts", { n: d.attempts })}</span> : null}
          {d.sentAt ? <span> · {f.dateTime(d.sentAt)}</span> : null}
          {d.error ? <span className="err"> {d.error}</span> : null}
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
