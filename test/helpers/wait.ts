export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `fn` is true; fails the test after `ms`. */
export async function until(
  fn: () => Promise<boolean> | boolean,
  ms = 30_000,
  what = "condition",
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await sleep(100);
  }
  throw new Error(`${what} not met within ${ms} ms`);
}

/** Waits until a server on 127.0.0.1:`port` answers /api/health with 2xx. */
export function untilHealthy(port: number, ms = 30_000, what = "server up"): Promise<void> {
  return until(
    async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/api/health`)).ok;
      } catch {
        return false;
      }
    },
    ms,
    what,
  );
}
