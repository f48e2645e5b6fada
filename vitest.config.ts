import { defineConfig } from "vitest/config";

// Tests talk to real servers and spawn Ghostscript: give them time, and keep the
// 2-core machine from being oversubscribed.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    fileParallelism: true,
  },
});
