// Where a job's time goes, below the step level: each step runs with a small recorder in async-local
// storage, so deep code (a Ghostscript pass, a JPEG encode) books its time without being handed
// anything. Stages of one step may overlap (parallel lanes): their sum can exceed the step's wall time.
import { AsyncLocalStorage } from "node:async_hooks";

/** One stage of a step: total milliseconds over `count` runs. */
export interface StageTime {
  /** A stable code the UI words (`stage.<name>`): e.g. `gs-tiffsep`, `proof-jpeg`, `db`. */
  name: string;
  ms: number;
  count: number;
}

export class StageTimer {
  private readonly byName = new Map<string, StageTime>();

  add(name: string, ms: number): void {
    const s = this.byName.get(name) ?? { name, ms: 0, count: 0 };
    s.ms += ms;
    s.count += 1;
    this.byName.set(name, s);
  }

  /** The stages in the order first seen, milliseconds rounded. */
  list(): StageTime[] {
    return [...this.byName.values()].map((s) => ({ ...s, ms: Math.round(s.ms) }));
  }

  get(name: string): StageTime | undefined {
    return this.byName.get(name);
  }
}

const current = new AsyncLocalStorage<StageTimer>();

/** Runs `fn` with `timer` as the recorder of everything it awaits. */
export function withStages<T>(timer: StageTimer, fn: () => Promise<T>): Promise<T> {
  return current.run(timer, fn);
}

/** The running job's recorder, captured where a callback later books to it (child exit, stream end). */
export function currentStages(): StageTimer | undefined {
  return current.getStore();
}

/** Books `ms` to `name` on the running job's recorder (nothing outside a job). */
export function addStage(name: string, ms: number): void {
  current.getStore()?.add(name, ms);
}

/** Times `fn` as stage `name` of the running job (just runs it outside a job). */
export async function timeStage<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const timer = current.getStore();
  if (!timer) return fn();
  const t = performance.now();
  try {
    return await fn();
  } finally {
    timer.add(name, performance.now() - t);
  }
}
