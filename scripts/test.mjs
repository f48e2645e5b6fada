#!/usr/bin/env node
// The one test command: runs the whole vitest suite and ends with the counts the
// runner reported, as `N passed, N failed[, N skipped]`.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";

const out = ".vitest-results.json";
rmSync(out, { force: true });
const args = ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`, ...process.argv.slice(2)];
const run = spawnSync("npx", args, { stdio: "inherit" });
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(readFileSync(out, "utf8"));
  passed = r.numPassedTests;
  failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  skipped = r.numPendingTests + r.numTodoTests;
  // A file that failed to load, or whose set-up failed (its tests then show as skipped), counts as
  // a failure even though none of its tests did.
  for (const f of r.testResults ?? [])
    if (f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed")) failed++;
} catch {
  failed = Math.max(failed, 1);
}
// The runner's own verdict stands even where the counts could not tell why.
if (run.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
