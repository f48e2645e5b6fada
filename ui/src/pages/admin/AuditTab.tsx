// Who changed what: logins, settings saves, job edits, deletions, re-sends (newest first).
import type { AuditRow } from "../../api/types.ts";
import { type I18n, useI18n } from "../../i18n/i18n.tsx";
import { useApi } from "../../lib/use-api.ts";

export function AuditTab() {
  const i18n = useI18n();
  const { t, tx, f, errorText } = i18n;
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
                <td>{a.user_name ?? t("audit.system")}</td>
                <td>{tx(`audit.${a.action}`, a.action)}</td>
                <td className="small break">{auditDetail(a.detail, i18n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * The entry's details (stored as JSON by the server) as "name: value" words in this language; a
 * detail that is not JSON (an old row) shows as it is.
 */
export function auditDetail(detail: string | null, { tx, f }: Pick<I18n, "tx" | "f">): string {
  if (!detail) return "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return detail;
  }
  const words = (v: unknown, key: string): string => {
    if (v === null || v === undefined) return "—";
    if (typeof v === "number") return key === "id" || key === "job" ? `#${v}` : f.num(v, 2);
    if (typeof v === "string") {
      if (key === "role") return tx(`role.${v}`, v);
      if (v === "changed") return tx("audit.value.changed", v);
      return v;
    }
    if (typeof v === "object") return `(${pairs(v as Record<string, unknown>)})`;
    return String(v);
  };
  const pairs = (o: Record<string, unknown>) =>
    Object.entries(o)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${tx(`audit.field.${k}`, k)}: ${words(v, k)}`)
      .join(", ");
  return parsed && typeof parsed === "object" ? pairs(parsed as Record<string, unknown>) : String(parsed);
}
