// A user changes their own password: the current one is asked again; the server ends every other
// session of theirs and keeps this one.
import { type FormEvent, useState } from "react";
import { api } from "../../api/client.ts";
import { Dialog } from "../../components/Dialog.tsx";
import { useFeedback } from "../../components/Feedback.tsx";
import { useI18n } from "../../i18n/i18n.tsx";

export function ChangePassword({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, errorText } = useI18n();
  const { toast } = useFeedback();
  const [form, setForm] = useState({ current: "", password: "", again: "" });
  const [problem, setProblem] = useState<string | null>(null);
  const close = () => {
    setForm({ current: "", password: "", again: "" });
    setProblem(null);
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (form.password !== form.again) return setProblem(t("account.mismatch"));
    try {
      await api("/api/me/password", { body: { current: form.current, password: form.password } });
      toast(t("account.passwordChanged"), "ok");
      close();
    } catch (err) {
      setProblem(errorText(err));
    }
  };
  const field = (key: keyof typeof form, label: string, autoComplete: string) => (
    <div className="field">
      <label htmlFor={`acc-${key}`}>{label}</label>
      <input
        id={`acc-${key}`}
        type="password"
        required
        minLength={key === "current" ? 1 : 8}
        autoComplete={autoComplete}
        value={form[key]}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      />
    </div>
  );
  return (
    <Dialog open={open} onClose={close} title={t("account.changePassword")}>
      <form onSubmit={submit} className="change-password">
        <h2>{t("account.changePassword")}</h2>
        {field("current", t("account.current"), "current-password")}
        {field("password", t("account.new"), "new-password")}
        {field("again", t("account.again"), "new-password")}
        <p className="muted">
          {t("admin.passwordHint")}. {t("account.othersLoggedOut")}
        </p>
        {problem ? (
          <p className="notice error" role="alert">
            {problem}
          </p>
        ) : null}
        <div className="row-actions end">
          <button type="button" onClick={close}>
            {t("common.cancel")}
          </button>
          <button type="submit" className="primary">
            {t("account.save")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
