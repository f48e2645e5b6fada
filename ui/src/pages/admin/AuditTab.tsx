// Who changed what: logins, settings saves, job edits, deletions, re-sends (newest first).
import type { AuditRow } from "../../api/types.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { useApi } from "../../lib/use-api.ts";

export function AuditTab() {
  const { t, tx, f, errorText } = useI18n();
  const audit = useApi<AuditRow[]>("/api/audit");
  return (
    <section className="admin-section">
      <h2>{t("admin.tab.audit")}</h2>
      {audit.error ? <p className="notice error">{errorText(audit.error)}</p> : null}
      <div className="table-wrap">
        <table className="audit">
          <thead>
            <tr>
              <th scope="col">{t("job.at")}</th>
              <th scope="col">{t("admin.user")}</th>
              <th scope="col">{t("admin.action")}</th>
              <th scope="col">{t("job.details")}</th>
            </tr>
          </thead>
          <tbody>
            {(audit.data ?? []).map((a) => (
              <tr key={a.id}>
                <td className="nowrap">{f.dateTime(a.at)}</td>
                <td>{a.user_name ?? "—"}</td>
                <td>{tx(`audit.${a.action}`, a.action)}</td>
                <td className="mono small break">{a.detail ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
