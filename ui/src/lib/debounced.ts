// Live events arrive several per second while a job runs: reload at most once per `ms`.
import { useCallback, useRef } from "react";

export function useDebounced(fn: () => void, ms: number): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  return useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      fn();
    }, ms);
  }, [fn, ms]);
}
