// Toasts (announced politely to screen readers) and a promise-based confirm dialog.
import { createContext, type ReactNode, useCallback, useContext, useRef, useState } from "react";
import { useI18n } from "../i18n/i18n.tsx";
import { Dialog } from "./Dialog.tsx";

type Kind = "ok" | "error" | "info";
interface Toast {
  id: number;
  text: string;
  kind: Kind;
}
interface Feedback {
  toast(text: string, kind?: Kind): void;
  confirm(text: string, action?: string): Promise<boolean>;
}

const Ctx = createContext<Feedback | null>(null);

export function FeedbackProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [ask, setAsk] = useState<{ text: string; action: string } | null>(null);
  const resolver = useRef<((v: boolean) => void) | null>(null);
  const seq = useRef(0);

  const toast = useCallback((text: string, kind: Kind = "info") => {
    const id = ++seq.current;
    setToasts((l) => [...l, { id, text, kind }]);
    setTimeout(() => setToasts((l) => l.filter((x) => x.id !== id)), kind === "error" ? 10_000 : 5000);
  }, []);
  const confirm = useCallback(
    (text: string, action?: string) =>
      new Promise<boolean>((resolve) => {
        resolver.current = resolve;
        setAsk({ text, action: action ?? t("common.ok") });
      }),
    [t],
  );
  const answer = (v: boolean) => {
    resolver.current?.(v);
    resolver.current = null;
    setAsk(null);
  };

  return (
    <Ctx.Provider value={{ toast, confirm }}>
      {children}
      <div className="toasts" aria-live="polite" role="status">
        {toasts.map((x) => (
          <div key={x.id} className={`toast toast-${x.kind}`}>
            {x.text}
          </div>
        ))}
      </div>
      <Dialog open={!!ask} onClose={() => answer(false)} title={t("confirm.title")} className="confirm">
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            answer(true);
          }}
        >
          <p>{ask?.text}</p>
          <div className="row-actions end">
            {/* biome-ignore lint/a11y/noAutofocus: the safe answer takes focus */}
            <button type="button" onClick={() => answer(false)} autoFocus>
              {t("common.cancel")}
            </button>
            <button type="submit" className="danger">
              {ask?.action}
            </button>
          </div>
        </form>
      </Dialog>
    </Ctx.Provider>
  );
}

export function useFeedback(): Feedback {
  const v = useContext(Ctx);
  if (!v) throw new Error("useFeedback outside FeedbackProvider");
  return v;
}
