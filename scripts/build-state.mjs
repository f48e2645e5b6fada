// Whether the compiled server in dist/ matches the sources: shared by the build (skip what is up
// to date) and bin/pdfupload.js (run dist/ only when it is current). Plain JS: it runs before any build.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const STAMP = "build.json";

/** Files only tests use: not compiled, and editing them does not make the build stale. */
export const testOnly = (rel) => /\.test\.ts$|(^|\/)test-[^/]*\.ts$|(^|\/)testing\//.test(rel);

/** The server build's inputs, relative to the project root, sorted. */
export function serverInputs(root) {
  const files = [];
  // A plain walk: Node 20's readdirSync({ recursive }) is several times slower.
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (e.isFile() && !testOnly(r.slice(4))) files.push(r);
    }
  };
  walk("src");
  // package.json: the version is compiled in; the build script: how the output is made.
  return [...files, "package.json", "scripts/build.mjs"].sort();
}

/** A fingerprint of the inputs (names, sizes, modification times): any edit, addition or removal changes it. */
export function fingerprint(root, inputs = serverInputs(root)) {
  const h = crypto.createHash("sha256");
  for (const rel of inputs) {
    const st = fs.statSync(path.join(root, rel), { throwIfNoEntry: false });
    h.update(`${rel}\0${st?.size}\0${st?.mtimeMs}\n`);
  }
  return h.digest("hex");
}

/**
 * "current", "stale" (sources changed since the build) or "missing". A deployment without src/
 * has nothing to compare against: its build counts as current.
 */
export function serverBuildState(root, outDir = path.join(root, "dist")) {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(outDir, STAMP), "utf8"));
  } catch {
    return "missing";
  }
  if (!fs.existsSync(path.join(root, "src"))) return "current";
  return stamp.fingerprint === fingerprint(root) ? "current" : "stale";
}
