// "Test connection" for a saved delivery target: the server connects with the stored settings.
import { useState } from "react";
import { api } from "../../api/client.ts";
import type { Note } from "../../api/types.ts";
import { useI18n } from "../../i18n/i18n.tsx";

export function TargetTest({ name, unsaved }: { name: string; unsaved: boolean }) {
  const { t, errorText, said } = useI18n();
  const [state, setState] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setState(null);
    try {
      const r = await api<{ ok: boolean; reply?: string; error?: string; reason?: Note }>(
        `/api/targets/${encodeURIComponent(name)}/test`,
        { method: "POST" },
      );
      setState({ ok: r.ok, text: (r.ok ? r.reply : said(r.reason ?? r.error)) ?? "" });
    } catch (e) {
      setState({ ok: false, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="target-test">
      <button
        type="button"
        onClick={run}
        disabled={busy || !name || unsaved}
        title={unsaved ? t("admin.saveBeforeTest") : undefined}
      >
        {busy ? t("admin.testing") : t("admin.testConnection")}
      </button>
      {unsaved && name ? <small className="muted">{t("admin.saveBeforeTest")}</small> : null}
      {state ? (
        <output className={state.ok ? "ok" : "err"}>
          {state.ok ? t("admin.testOk") : t("admin.testFailed")}: {state.text}
        </output>
      ) : null}
    </span>
  );
}
