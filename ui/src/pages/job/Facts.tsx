// What the analysis found and how each fact was found (mark, plate size, file name…); admins can
// correct a wrongly detected press or bureau (the server records the change).
import { useState } from "react";
import { api } from "../../api/client.ts";
import type { JobDetail, Lookups } from "../../api/types.ts";
import { useFeedback } from "../../components/Feedback.tsx";
import { useI18n } from "../../i18n/i18n.tsx";
import { Link } from "../../lib/router.tsx";

function How({ by }: { by: (string | null | undefined)[] }) {
  const { tx } = useI18n();
  const list = [...new Set(by.filter(Boolean) as string[])];
  if (!list.length) return null;
  return <span className="how">{list.map((b) => tx(`by.${b}`, b)).join(", ")}</span>;
}

export function Facts({
  job,
  lookups,
  onSaved,
}: {
  job: JobDetail;
  lookups: Lookups | null;
  onSaved: () => void;
}) {
  const { t, f, errorText } = useI18n();
  const { toast } = useFeedback();
  const a = job.analysis;
  const sheets = a?.sheets ?? [];
  const first = sheets[0];
  const sameAll = <T,>(pick: (s: (typeof sheets)[number]) => T) =>
    sheets.every((s) => JSON.stringify(pick(s)) === JSON.stringify(pick(first)));
  const [press, setPress] = useState(job.press ?? "");
  const [bureau, setBureau] = useState(job.bureau ?? "");
  const editable = !!lookups;

  const save = async () => {
    try {
      await api(`/api/jobs/${job.id}`, {
        method: "PATCH",
        body: { press: press || null, bureau: bureau || null },
      });
      toast(t("job.corrected"), "ok");
      onSaved();
    } catch (e) {
      toast(errorText(e), "error");
    }
  };

  return (
    <>
      <dl className="facts">
        <dt>{t("journal.order")}</dt>
        <dd>
          {job.order ?? "—"} {a?.orderName ? <span>{a.orderName}</span> : null}{" "}
          {job.order ? <How by={["file-name"]} /> : null}
        </dd>
        <dt>{t("journal.press")}</dt>
        <dd>
          {editable ? (
            <select aria-label={t("journal.press")} value={press} onChange={(e) => setPress(e.target.value)}>
              <option value="">—</option>
              {lookups.presses.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          ) : (
            (job.press ?? "—")
          )}{" "}
          <How by={sheets.map((s) => s.pressBy)} />
          {!sameAll((s) => s.press) ? (
            <span className="muted small"> ({sheets.map((s) => s.press ?? "?").join(", ")})</span>
          ) : null}
        </dd>
        <dt>{t("job.plate")}</dt>
        <dd>
          {f.mm(first?.plateMm)}
          {!sameAll((s) => s.plateMm) ? <span className="muted small"> {t("job.varies")}</span> : null}
        </dd>
        <dt>{t("job.paper")}</dt>
        <dd>
          {f.mm(first?.paperMm)} <How by={sheets.map((s) => s.paperBy)} />
          {!sameAll((s) => s.paperMm) ? <span className="muted small"> {t("job.varies")}</span> : null}
        </dd>
        <dt>{t("journal.bureau")}</dt>
        <dd>
          {editable ? (
            <select
              aria-label={t("journal.bureau")}
              value={bureau}
              onChange={(e) => setBureau(e.target.value)}
            >
              <option value="">—</option>
              {lookups.bureaus.map((b) => (
                <option key={b}>{b}</option>
              ))}
            </select>
          ) : (
            (job.bureau ?? "—")
          )}{" "}
          <How by={[a?.bureauBy]} />
        </dd>
        <dt>{t("journal.complects")}</dt>
        <dd>{job.pages ?? "—"}</dd>
        <dt>{t("journal.plates")}</dt>
        <dd>{job.plates ?? "—"}</dd>
        <dt>{t("journal.areaM2")}</dt>
        <dd>{f.area(job.plateAreaM2)}</dd>
        <dt>{t("journal.money")}</dt>
        <dd>{f.money(job.money)}</dd>
        <dt>{t("job.creator")}</dt>
        <dd>
          {a?.creator ?? "—"}{" "}
          {a ? <span className="how">{a.isSigna ? t("job.isSigna") : t("job.notSigna")}</span> : null}
        </dd>
        <dt>{t("job.size")}</dt>
        <dd>{f.bytes(job.size)}</dd>
        <dt>{t("job.received")}</dt>
        <dd>
          {f.dateTime(job.createdAt)} <span className="how">{job.source}</span>
          {job.importMode ? <span className="how">{t("job.importMode")}</span> : null}
        </dd>
        {job.duplicateOf ? (
          <>
            <dt>{t("journal.duplicateOf")}</dt>
            <dd>
              <Link href={`/jobs/${job.duplicateOf}`}>#{job.duplicateOf}</Link>
            </dd>
          </>
        ) : null}
        {job.hash ? (
          <>
            <dt>SHA-256</dt>
            <dd className="mono small break" title={job.hash}>
              {job.hash.slice(0, 16)}…
            </dd>
          </>
        ) : null}
      </dl>
      {editable && (press !== (job.press ?? "") || bureau !== (job.bureau ?? "")) ? (
        <div className="row-actions">
          <button type="button" className="primary" onClick={save}>
            {t("job.saveCorrection")}
          </button>
          <button
            type="button"
            onClick={() => {
              setPress(job.press ?? "");
              setBureau(job.bureau ?? "");
            }}
          >
            {t("common.cancel")}
          </button>
        </div>
      ) : null}
    </>
  );
}
