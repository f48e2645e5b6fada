// Layout (header, navigation, language switch, user) and the page for the URL. Reports are
// loaded on demand: they bring ECharts, which the journal does not need.
import { lazy, type ReactNode, Suspense, useEffect, useState } from "react";
import { DiskBanner } from "./components/DiskBanner.tsx";
import { LANGS, type Lang, useI18n } from "./i18n/i18n.tsx";
import { reconnectLive } from "./lib/live.ts";
import { Link, navigate, useLocation } from "./lib/router.tsx";
import { useSession } from "./lib/session.tsx";
import { ChangePassword } from "./pages/account/ChangePassword.tsx";
import { AdminPage } from "./pages/admin/AdminPage.tsx";
import { JobPage } from "./pages/job/JobPage.tsx";
import { JournalPage } from "./pages/journal/JournalPage.tsx";
import { LoginPage } from "./pages/login/LoginPage.tsx";

const ReportsPage = lazy(() => import("./pages/reports/ReportsPage.tsx"));

function RequireLogin({ need, children }: { need: "viewer" | "admin"; children: ReactNode }) {
  const session = useSession();
  const loc = useLocation();
  const { t } = useI18n();
  const missing = !session.loading && !session.user;
  useEffect(() => {
    if (missing) navigate(`/login?next=${encodeURIComponent(loc.href)}`, { replace: true });
  }, [missing, loc.href]);
  if (session.loading || !session.user) return <p className="muted">{t("common.loading")}</p>;
  if (!session.can(need)) return <p className="notice error">{t("error.forbidden")}</p>;
  return <>{children}</>;
}

function Page() {
  const loc = useLocation();
  const p = loc.path;
  const job = /^\/jobs\/(\d+)$/.exec(p);
  if (p === "/") return <JournalPage />;
  if (job) return <JobPage key={job[1]} id={Number(job[1])} />;
  if (p === "/login") return <LoginPage />;
  if (p === "/reports")
    return (
      <RequireLogin need="viewer">
        <Suspense fallback={<p className="muted">…</p>}>
          <ReportsPage />
        </Suspense>
      </RequireLogin>
    );
  const admin = /^\/admin(?:\/([\w-]+))?\/?$/.exec(p);
  if (admin)
    return (
      <RequireLogin need="admin">
        <AdminPage tab={admin[1] ?? "presses"} />
      </RequireLogin>
    );
  return <NotFound />;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <div>
      <h1>{t("error.not-found")}</h1>
      <Link href="/">{t("common.backToJournal")}</Link>
    </div>
  );
}

function Header() {
  const { t, tx, lang, setLang } = useI18n();
  const session = useSession();
  const loc = useLocation();
  const [account, setAccount] = useState(false);
  const current = (href: string) =>
    href === "/" ? loc.path === "/" || loc.path.startsWith("/jobs/") : loc.path.startsWith(href);
  const nav = [
    { href: "/", label: t("nav.journal") },
    { href: "/reports", label: t("nav.reports") },
    ...(session.can("admin") ? [{ href: "/admin", label: t("nav.admin") }] : []),
  ];
  return (
    <header className="site-header no-print">
      <a className="skip" href="#main">
        {t("nav.skip")}
      </a>
      <Link href="/" className="brand">
        pdfupload
      </Link>
      <nav aria-label={t("nav.main")}>
        <ul>
          {nav.map((n) => (
            <li key={n.href}>
              <Link href={n.href} aria-current={current(n.href) ? "page" : undefined}>
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="header-end">
        <label className="lang">
          <span className="visually-hidden">{t("nav.language")}</span>
          <select
            value={lang}
            onChange={(e) => setLang(e.target.value as Lang)}
            name="lang"
            aria-label={t("nav.language")}
          >
            {LANGS.map((l) => (
              <option key={l} value={l}>
                {l === "ru" ? "Русский" : "English"}
              </option>
            ))}
          </select>
        </label>
        {session.user ? (
          <>
            <span className="user" title={tx(`role.${session.user.role}`, session.user.role)}>
              {session.user.name}
            </span>
            <button type="button" onClick={() => setAccount(true)}>
              {t("account.changePassword")}
            </button>
            <ChangePassword open={account} onClose={() => setAccount(false)} />
            <button
              type="button"
              onClick={async () => {
                await session.logout();
                reconnectLive();
                navigate("/");
              }}
            >
              {t("nav.logout")}
            </button>
          </>
        ) : loc.path !== "/login" ? (
          <Link className="button" href={`/login?next=${encodeURIComponent(loc.href)}`}>
            {t("nav.login")}
          </Link>
        ) : null}
      </div>
    </header>
  );
}

export function App() {
  return (
    <>
      <Header />
      <main id="main" tabIndex={-1}>
        <DiskBanner />
        <Page />
      </main>
    </>
  );
}
