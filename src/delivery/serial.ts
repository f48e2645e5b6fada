import { DeliveryError } from "./errors.ts";

/** Runs async tasks one after another: one control connection does one thing at a time. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** An upload asked to stop before it began. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new DeliveryError("aborted", "upload aborted before it started", { transient: true });
}
