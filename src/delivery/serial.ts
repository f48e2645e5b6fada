/** Runs async tasks one after another: one control connection does one thing at a time. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Throws the signal's reason as an AbortError-like error when it has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const e = new Error("upload aborted");
    e.name = "AbortError";
    throw e;
  }
}
