// A small history router: the app has five pages, a library would be most of the bundle's routing.
import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from "react";

const CHANGE = "pdfupload:navigate";

function subscribe(fn: () => void): () => void {
  window.addEventListener("popstate", fn);
  window.addEventListener(CHANGE, fn);
  return () => {
    window.removeEventListener("popstate", fn);
    window.removeEventListener(CHANGE, fn);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export interface Loc {
  path: string;
  search: URLSearchParams;
  href: string;
}

export function useLocation(): Loc {
  const href = useSyncExternalStore(subscribe, snapshot);
  const u = new URL(href, window.location.origin);
  return { path: u.pathname, search: u.searchParams, href };
}

export function navigate(to: string, o: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (o.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(CHANGE));
  if (!o.replace) window.scrollTo(0, 0);
}

/** `?a=1&b=2` without empty values, so URLs stay short and shareable. */
export function queryString(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (rest.target && rest.target !== "_self") return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={click} {...rest} />;
}
