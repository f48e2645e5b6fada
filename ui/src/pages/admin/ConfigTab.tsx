// The whole settings document as one YAML file: download it (to keep in git), or load one back.
import { useState } from "react";
import { ApiError, api } from "../../api/client.ts";
import type { Note } from "../../api/types.ts";
import { useFeedback } from "../../components/Feedback.tsx";
import { useI18n } from "../../i18n/i18n.tsx";

export function ConfigTab({
  onImported,
  managedBy,
}: {
  onImported: () => Promise<void>;
  /** PDFUPLOAD_CONFIG's file: then importing here is refused (the banner above says why). */
  managedBy: string | null;
}) {
  const { t, errorText, said } = useI18n();
  const { toast, confirm } = useFeedback();
  const [text, setText] = useState("");
  const [problems, setProblems] = useState<string[]>([]);

  const submit = async () => {
    if (!text.trim()) return;
    if (!(await confirm(t("admin.importConfirm"), t("admin.import")))) return;
    try {
      await api("/api/settings/import", { text });
      setProblems([]);
      toast(t("admin.imported"), "ok");
      await onImported();
    } catch (e) {
      if (e instanceof ApiError)
        setProblems(
          e.problems.map((p) => {
            const q = p as { message?: string; expected?: string; said?: Note; code?: string };
            const words =
              q.code === "foreign-secret"
                ? t("admin.foreignSecret")
                : said(q.said ?? q.message ?? q.expected ?? "");
            return `${p.path}: ${words}`;
          }),
        );
      toast(errorText(e), "error");
    }
  };

  return (
    <section className="admin-section">
      <h2>{t("admin.tab.config")}</h2>
      <p>
        <a className="button" href="/api/settings/export" download>
          {t("admin.export")}
        </a>
      </p>
      <p className="muted">{t("admin.exportHint")}</p>
      <h3>{t("admin.import")}</h3>
      <div className="field">
        <label htmlFor="yaml-file">{t("admin.importFile")}</label>
        <input
          id="yaml-file"
          type="file"
          accept=".yaml,.yml,text/yaml"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (file) setText(await file.text());
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="yaml-text">{t("admin.importText")}</label>
        <textarea
          id="yaml-text"
          className="mono"
          rows={14}
          value={text}
          onChange={(e) => setText(e.target.value)}
          spellCheck={false}
        />
      </div>
      {problems.length ? (
        <ul className="problems" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <button type="button" className="primary" onClick={submit} disabled={!text.trim() || !!managedBy}>
        {t("admin.import")}
      </button>
    </section>
  );
}
