#!/usr/bin/env node
// Runs the compiled server in dist/ (built by `npm ci`, `npm start` or `npm run build`). A checkout
// without a build, or with sources changed since, runs the TypeScript sources through tsx instead
// (slower to start) and says so on stderr.
import { fileURLToPath } from "node:url";
import { serverBuildState } from "../scripts/build-state.mjs";

/** `analyze` and `render` read PDFs in a child process (not with --in-process, not for --help). */
function needsPdfChild(args) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--data") i++;
    else if (!args[i].startsWith("-")) {
      const rest = args.slice(i + 1);
      return (
        (args[i] === "analyze" || args[i] === "render") &&
        !rest.some((a) => a === "--help" || a === "-h" || a === "--in-process")
      );
    }
  }
  return false;
}

const root = fileURLToPath(new URL("..", import.meta.url));
const state = serverBuildState(root);
if (state === "current") {
  // The PDF child's start (Node, then MuPDF) is the longest part of a one-file command: begin it
  // now, while the command line loads beside it, rather than once the command runs.
  if (needsPdfChild(process.argv.slice(2)))
    import("../dist/isolation/pdf-pool.js").then(
      (m) => m.prestartSharedPool(),
      () => {},
    );
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
