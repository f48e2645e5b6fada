// Who is logged in (GET /api/me), login/logout, and role checks for showing actions.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { api, onUnauthorized, setCsrf } from "../api/client.ts";
import type { Me, Role, User } from "../api/types.ts";
import { useI18n } from "../i18n/i18n.tsx";

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export interface Session {
  loading: boolean;
  user: User | null;
  journalPrivate: boolean;
  can(role: Role): boolean;
  login(name: string, password: string): Promise<void>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
}

const Ctx = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const { setCurrency } = useI18n();
  const refresh = useCallback(async () => {
    try {
      const m = await api<Me>("/api/me");
      setCsrf(m.csrf);
      setMe(m);
      if (m.currency) setCurrency(m.currency);
    } catch {
      setMe({ user: null, csrf: null, journalPrivate: false });
    }
  }, [setCurrency]);
  useEffect(() => {
    void refresh();
    // A 401 from any call means the session ended (expired, logged out elsewhere).
    return onUnauthorized(() => setMe((m) => (m?.user ? { ...m, user: null, csrf: null } : m)));
  }, [refresh]);

  const value = useMemo<Session>(
    () => ({
      loading: me === null,
      user: me?.user ?? null,
      journalPrivate: me?.journalPrivate ?? false,
      can: (role) => !!me?.user && RANK[me.user.role] >= RANK[role],
      login: async (name, password) => {
        const r = await api<{ user: User; csrf: string }>("/api/login", { body: { name, password } });
        setCsrf(r.csrf);
        setMe((m) => ({ journalPrivate: m?.journalPrivate ?? false, user: r.user, csrf: r.csrf }));
      },
      logout: async () => {
        await api("/api/logout", { method: "POST" }).catch(() => {});
        setCsrf(null);
        setMe((m) => ({ journalPrivate: m?.journalPrivate ?? false, user: null, csrf: null }));
      },
      refresh,
    }),
    [me, refresh],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): Session {
  const v = useContext(Ctx);
  if (!v) throw new Error("useSession outside SessionProvider");
  return v;
}
