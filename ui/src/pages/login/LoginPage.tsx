// Login; returns to the page that asked for it (`?next=`).
import { type FormEvent, useState } from "react";
import { useI18n } from "../../i18n/i18n.tsx";
import { reconnectLive } from "../../lib/live.ts";
import { navigate, useLocation } from "../../lib/router.tsx";
import { useSession } from "../../lib/session.tsx";

/** Only our own pages: an open redirect would let a link send users elsewhere after login. */
function safeNext(v: string | null): string {
  return v && /^\/(?!\/)/.test(v) ? v : "/";
}

export function LoginPage() {
  const { t, errorText } = useI18n();
  const session = useSession();
  const loc = useLocation();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(loc.search.get("next"));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await session.login(name, password);
      reconnectLive();
      navigate(next, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-h">
        <h1 id="login-h">{t("login.title")}</h1>
        {session.user ? <p className="muted">{t("login.already", { name: session.user.name })}</p> : null}
        <div className="field">
          <label htmlFor="login-name">{t("login.name")}</label>
          <input
            id="login-name"
            name="username"
            autoComplete="username"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">{t("login.password")}</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        {error ? (
          <p className="err" role="alert">
            {errorText(error)}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {t("login.submit")}
        </button>
      </form>
    </div>
  );
}
