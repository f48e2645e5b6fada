#!/usr/bin/env node
// Runs the compiled server in dist/ (built by `npm ci`, `npm start` or `npm run build`). A checkout
// without a build, or with sources changed since, runs the TypeScript sources through tsx instead
// (slower to start) and says so on stderr.
import { fileURLToPath } from "node:url";
import { serverBuildState } from "../scripts/build-state.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const state = serverBuildState(root);
if (state === "current") {
  await import("../dist/cli/main.js");
} else {
  process.stderr.write(
    state === "missing"
      ? "pdfupload: no compiled build in dist/ (npm run build); running the sources through tsx\n"
      : "pdfupload: the sources changed since dist/ was built (npm run build); running them through tsx\n",
  );
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
