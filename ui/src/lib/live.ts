// One EventSource for the whole page, shared by every component that wants live events; opened on
// the first subscriber, closed with the last. Reopened after login (a private journal refuses
// anonymous streams, and a refused EventSource does not retry on its own).
import { useEffect, useRef, useSyncExternalStore } from "react";
import type { LiveEvent } from "../api/types.ts";

type Listener = (e: LiveEvent) => void;
const listeners = new Set<Listener>();
let source: EventSource | null = null;
let connected = false;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
const stateListeners = new Set<() => void>();

function setConnected(v: boolean) {
  if (connected === v) return;
  connected = v;
  for (const fn of stateListeners) fn();
}

function open() {
  if (source || !listeners.size) return;
  const es = new EventSource("/api/events");
  source = es;
  es.onopen = () => setConnected(true);
  es.onerror = () => {
    setConnected(false);
    // CLOSED means the browser gave up (e.g. 401); try again later ourselves.
    if (es.readyState === EventSource.CLOSED) {
      es.close();
      source = null;
      retryTimer ??= setTimeout(() => {
        retryTimer = null;
        open();
      }, 5000);
    }
  };
  for (const type of ["job", "log", "delivery"] as const) {
    es.addEventListener(type, (m) => {
      let data: LiveEvent;
      try {
        data = { ...JSON.parse((m as MessageEvent).data), type } as LiveEvent;
      } catch {
        return;
      }
      for (const fn of listeners) fn(data);
    });
  }
}

function close() {
  source?.close();
  source = null;
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  setConnected(false);
}

/** Reconnects (after login/logout the server's answer to the stream may differ). */
export function reconnectLive(): void {
  close();
  open();
}

/** Calls `handler` for every live event while the component is mounted. */
export function useLiveEvents(handler: Listener): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const fn: Listener = (e) => ref.current(e);
    listeners.add(fn);
    open();
    return () => {
      listeners.delete(fn);
      if (!listeners.size) close();
    };
  }, []);
}

export function useLiveConnected(): boolean {
  return useSyncExternalStore(
    (fn) => {
      stateListeners.add(fn);
      return () => stateListeners.delete(fn);
    },
    () => connected,
  );
}
