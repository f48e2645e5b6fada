// "Try the rules on a past job": the server renders this bureau's folder and file-name rules (as
// edited, before saving) against the analysis of a journal job.
import { useState } from "react";
import { api } from "../../api/client.ts";
import type { Note } from "../../api/types.ts";
import { useI18n } from "../../i18n/i18n.tsx";

type Result = { ok: boolean; value?: string; error?: { message: string; reason?: Note } };

export function RulePreview({ bureau }: { bureau: Record<string, unknown> }) {
  const { t, errorText, said } = useI18n();
  const [jobId, setJobId] = useState("");
  const [out, setOut] = useState<{ folder: Result; fileName: Result; job: { file: string } } | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const run = async () => {
    setErr(null);
    setOut(null);
    try {
      setOut(await api("/api/rules/preview", { method: "POST", body: { jobId: Number(jobId), bureau } }));
    } catch (e) {
      setErr(errorText(e));
    }
  };
  const show = (r: Result) =>
    r.ok ? (
      <code>{r.value || "—"}</code>
    ) : (
      <span className="err">{said(r.error?.reason ?? r.error?.message)}</span>
    );
  return (
    <span className="rule-preview">
      <label>
        {t("admin.rulePreviewJob")}{" "}
        <input
          inputMode="numeric"
          size={6}
          value={jobId}
          onChange={(e) => setJobId(e.target.value.replace(/\D/g, ""))}
        />
      </label>
      <button type="button" onClick={run} disabled={!jobId || !bureau.name}>
        {t("admin.rulePreviewRun")}
      </button>
      {out ? (
        <output>
          {out.job.file} → {t("admin.rulePreviewFolder")}: {show(out.folder)}; {t("admin.rulePreviewName")}:{" "}
          {show(out.fileName)}
        </output>
      ) : null}
      {err ? <output className="err">{err}</output> : null}
    </span>
  );
}
