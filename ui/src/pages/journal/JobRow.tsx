// One journal row: time, order, file, press, complects, plates (colours on hover), inks (coverage
// on hover), bureau, deliveries (errors on hover), thumbnail on hover and proof on click, actions.
import { fileUrl } from "../../api/client.ts";
import type { DeliveryView, JobView } from "../../api/types.ts";
import {
  AttentionBadge,
  DeliveryDetails,
  DeliveryStateBadge,
  StatusBadge,
  WarningsBadge,
} from "../../components/Badges.tsx";
import { Hint } from "../../components/Hint.tsx";
import { IconEye, IconRerun, IconSend, IconTrash } from "../../components/icons.tsx";
import { useI18n } from "../../i18n/i18n.tsx";
import {
  coloursLine,
  inkOf,
  inksSummary,
  jobSeparations,
  nameBreaks,
  rowTone,
  sheets,
  shortColorant,
  summarise,
  swatch,
  thumbnails,
} from "../../lib/jobs.ts";
import { Link } from "../../lib/router.tsx";

export interface RowActions {
  canOperate: boolean;
  onProof(job: JobView): void;
  onRerun(job: JobView): void;
  onResend(job: JobView, d: DeliveryView): void;
  onDelete(job: JobView): void;
}

function ColoursDetail({ job }: { job: JobView }) {
  const { t } = useI18n();
  return (
    <table className="mini">
      <caption>{t("journal.coloursPerPage")}</caption>
      <tbody>
        {sheets(job).map((s) => (
          <tr key={s.page}>
            <th scope="row">{s.page}</th>
            <td>
              {s.colorants.map((c) => (
                <span key={c} className="sep">
                  <i className="sw" style={{ background: swatch(c) }} />
                  {c}
                </span>
              ))}
            </td>
            <td className="num">{s.colorants.length}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function InksDetail({ job }: { job: JobView }) {
  const { t, f } = useI18n();
  const list = sheets(job).filter((s) => s.inks);
  const seps = jobSeparations(job);
  return (
    <table className="mini">
      <caption>{t("journal.inksPerPage")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("job.page")}</th>
          {seps.map((c) => (
            <th key={c} scope="col" title={c}>
              {shortColorant(c)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {list.map((s) => (
          <tr key={s.page}>
            <th scope="row">{s.page}</th>
            {seps.map((c) => (
              <td key={c} className="num">
                {s.colorants.length && !s.colorants.includes(c) ? "—" : f.num(inkOf(s, c), 1)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Mean coverage over all sheets as `C12 M30 Y25 K40 185C 8`; only separations the job has. */
function InksLine({ job }: { job: JobView }) {
  const { f } = useI18n();
  const list = inksSummary(job);
  if (!list.length) return <span className="muted">—</span>;
  return (
    <span className="inks-line">
      {list.map(({ sep, mean }) => (
        <span key={sep} className="ink" data-sep={sep}>
          <i className="sw" style={{ background: swatch(sep) }} />
          {shortColorant(sep).slice(0, 6)}&nbsp;{f.num(mean, 0)}
        </span>
      ))}
    </span>
  );
}

/** «4 листа · 14 пл. · CMYK + 185 C»: every sheet counted, every separation named once. */
export function SheetsSummary({ job }: { job: JobView }) {
  const { t } = useI18n();
  const colours = coloursLine(jobSeparations(job));
  return (
    <span className="muted small colours-line" data-testid="sheets-summary">
      {t("journal.sheetsSummary", { sheets: job.pages ?? sheets(job).length, plates: job.plates ?? 0 })}
      {colours ? ` · ${colours}` : ""}
    </span>
  );
}

function DeliveryCell({ job, kind, a }: { job: JobView; kind: DeliveryView["kind"]; a: RowActions }) {
  const { t } = useI18n();
  const { state, list } = summarise(job, kind);
  if (state === "none") return <span className="muted">—</span>;
  const retry = list.filter((d) => d.state === "failed" || (d.state === "pending" && d.error));
  return (
    <span className="delivery-cell">
      <Hint
        content={<DeliveryDetails list={list} />}
        label={t(kind === "bureau" ? "journal.toBureau" : "journal.toPress")}
      >
        <DeliveryStateBadge state={state} />
      </Hint>
      {a.canOperate && retry.length
        ? retry.map((d) => (
            <button
              key={d.id}
              type="button"
              className="icon-btn"
              onClick={() => a.onResend(job, d)}
              title={t("journal.resendTo", { target: d.target })}
              aria-label={t("journal.resendTo", { target: d.target })}
            >
              <IconSend />
            </button>
          ))
        : null}
    </span>
  );
}

export function JobRow({ job, a }: { job: JobView; a: RowActions }) {
  const { t, f } = useI18n();
  const tone = rowTone(job);
  const thumbs = thumbnails(job);
  const thumb = thumbs.find((p) => p.thumbnail)?.thumbnail;
  const hasProof = thumbs.some((p) => p.proof);
  const busy = job.status === "queued" || job.status === "processing";
  return (
    <tr className={`job-row ${tone ? `tone-${tone}` : ""}`} data-job={job.id} data-status={job.status}>
      <td className="when">
        {/* Date and time may go on two lines on a narrow screen, never break inside either. */}
        <time dateTime={job.fileDate}>
          <span>{f.date(job.fileDate)}</span> <span>{f.time(job.fileDate)}</span>
        </time>
      </td>
      <td className="num col-order">{job.order ?? "—"}</td>
      <td className="file">
        <Link href={`/jobs/${job.id}`} className="file-link">
          {nameBreaks(job.file).map((part, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed name
            <span key={i}>
              {part}
              <wbr />
            </span>
          ))}
        </Link>
        {job.status !== "done" || job.attention.length || job.warnings.length ? (
          <div className="row-badges">
            {job.status !== "done" ? <StatusBadge job={job} /> : null}
            <AttentionBadge job={job} />
            <WarningsBadge job={job} />
          </div>
        ) : null}
        {job.duplicateOf ? (
          <div className="muted small">
            {t("journal.duplicateOf")} <Link href={`/jobs/${job.duplicateOf}`}>#{job.duplicateOf}</Link>
          </div>
        ) : null}
      </td>
      <td>{job.press ?? "—"}</td>
      <td className="num col-pages">{job.pages ?? "—"}</td>
      <td className="num">
        {job.plates == null ? (
          "—"
        ) : (
          <Hint content={<ColoursDetail job={job} />} label={t("journal.coloursPerPage")}>
            <span className="plates">
              {job.analysis?.platesApproximate ? "≈" : ""}
              {job.plates}
            </span>{" "}
            {job.analysis?.platesBy === "separations" ? (
              <span className="muted small" data-testid="plates-by">
                {t(job.analysis.platesApproximate ? "plates.approximate" : "plates.bySeparations")}
              </span>
            ) : null}{" "}
            <SheetsSummary job={job} />
          </Hint>
        )}
      </td>
      <td>
        {sheets(job).some((s) => s.inks) ? (
          <Hint content={<InksDetail job={job} />} label={t("journal.inksPerPage")}>
            <InksLine job={job} />
          </Hint>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>{job.bureau ?? "—"}</td>
      <td>
        <DeliveryCell job={job} kind="bureau" a={a} />
      </td>
      <td>
        <DeliveryCell job={job} kind="press" a={a} />
      </td>
      <td className="thumb-cell">
        {hasProof ? (
          <button
            type="button"
            className="icon-btn thumb-btn"
            onClick={() => a.onProof(job)}
            aria-label={t("journal.openProof", { file: job.file })}
          >
            <IconEye />
            {thumb ? (
              <span className="thumb-pop" aria-hidden="true">
                <img src={fileUrl(job.id, thumb)} alt="" loading="lazy" />
              </span>
            ) : null}
          </button>
        ) : null}
      </td>
      {a.canOperate ? (
        <td className="actions nowrap">
          <button
            type="button"
            className="icon-btn"
            onClick={() => a.onRerun(job)}
            disabled={busy}
            title={t("journal.rerun")}
            aria-label={`${t("journal.rerun")}: ${job.file}`}
          >
            <IconRerun />
          </button>
          <button
            type="button"
            className="icon-btn danger"
            onClick={() => a.onDelete(job)}
            disabled={job.status === "processing"}
            title={t("journal.delete")}
            aria-label={`${t("journal.delete")}: ${job.file}`}
          >
            <IconTrash />
          </button>
        </td>
      ) : null}
    </tr>
  );
}
