// Runs async tasks with at most `limit` in flight; stops starting new ones once `signal` aborts.
export async function runPool<T>(
  tasks: (() => Promise<T>)[],
  limit: number,
  signal?: AbortSignal,
): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(tasks.length);
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const i = next++;
      if (signal?.aborted) {
        results[i] = { status: "rejected", reason: signal.reason ?? new Error("aborted") };
        continue;
      }
      try {
        results[i] = { status: "fulfilled", value: await tasks[i]() };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, lane));
  return results;
}
