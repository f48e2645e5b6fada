#!/usr/bin/env node
// Builds what bin/pdfupload.js and `npm start` run: the server (src/ → dist/) and the web UI
// (ui/ → ui/dist/). A part newer than all of its sources is left alone, so a second `npm start`
// builds nothing. `npm ci` runs this as `prepare`.
//
// The server is compiled by esbuild (a dependency of tsx, so present even without dev packages),
// one .js per .ts with the `.ts` import paths rewritten to `.js`. Not bundled: dist/ keeps src/'s
// layout at the same depth, so paths next to a module (../../ui/dist, the PDF child, the MuPDF
// render worker) stay right, and each command's lazy imports stay lazy. The exception is VENDORED:
// pure-JS packages shipped as hundreds of small ES modules, which cost more to find and load than to
// run (kysely: ~980 files, 170 ms; zod: ~225 files, 90 ms, on a quiet 2-core machine); each is bundled
// once into dist/vendor/<name>.js (25 and 45 ms) and our imports of it point there. Types are checked by
// `npm run typecheck`, not here (native tsc would type-check the whole project on every build).
//
//   node scripts/build.mjs [--server] [--ui] [--force] [--quiet]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fingerprint, STAMP, serverBuildState, serverInputs } from "./build-state.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const force = args.includes("--force");
const quiet = args.includes("--quiet");
const only = args.filter((a) => a === "--server" || a === "--ui");
const want = (part) => only.length === 0 || only.includes(`--${part}`);
const say = (s) => process.stdout.write(`${s}\n`);
/** "Up to date" is news only when asked to build; `npm start` (--quiet) says only what it built. */
const upToDate = (s) => quiet || say(s);

/** A tool a partial install left out: skip with a note rather than fail `npm ci`. */
async function optional(name, load) {
  try {
    return await load();
  } catch (e) {
    if (e?.code !== "ERR_MODULE_NOT_FOUND") throw e;
    process.stderr.write(`build: ${name} is not installed; skipped (pdfupload then runs the sources)\n`);
    return null;
  }
}

/**
 * Bundled into dist/vendor/ (see above), with what our code imports of each: the named exports of the
 * ES packages, the default (module.exports) of yaml, which is CommonJS. Imported by the bare name only.
 */
const VENDOR_EXPORTS = {
  kysely: 'export * from "kysely";',
  zod: 'export * from "zod";',
  yaml: 'export { default } from "yaml";',
};
const VENDORED = Object.keys(VENDOR_EXPORTS);

/** Each vendored package bundled into one file <out>/vendor/<name>.js. */
async function buildVendor(esbuild, out) {
  await Promise.all(
    VENDORED.map((name) =>
      esbuild.build({
        absWorkingDir: root,
        stdin: { contents: VENDOR_EXPORTS[name], resolveDir: root, loader: "js" },
        outfile: path.join(out, "vendor", `${name}.js`),
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node20",
        logLevel: "warning",
        // A CommonJS package's own require() of Node's built-ins, inside an ES module.
        banner: {
          js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);',
        },
      }),
    ),
  );
}

async function buildServer() {
  const out = path.join(root, "dist");
  if (!force && serverBuildState(root, out) === "current") return upToDate("server: dist/ is up to date");
  const esbuild = await optional("esbuild", () => import("esbuild"));
  if (!esbuild) return;
  const t0 = performance.now();
  const inputs = serverInputs(root);
  const sources = inputs.filter((f) => f.startsWith("src/"));
  // Said before each part starts, so that a long `npm ci` shows where it is instead of looking hung.
  say(`server: compiling ${sources.length} modules into dist/…`);
  // Built beside and swapped in whole, so a running pdfupload never sees half a build.
  const tmp = path.join(root, `dist.building-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: sources.filter((f) => f.endsWith(".ts")),
    outdir: tmp,
    outbase: "src",
    bundle: true, // only so that onResolve sees every import; each one is left external below
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
    plugins: [
      {
        name: "one-file-per-module",
        setup(b) {
          b.onResolve({ filter: /.*/ }, (a) => {
            if (a.kind === "entry-point") return undefined;
            // JSON (package.json's version) is compiled in: Node 20 warns on JSON modules.
            if (a.path.endsWith(".json")) return undefined;
            if (/^\.\.?\//.test(a.path)) return { path: a.path.replace(/\.ts$/, ".js"), external: true };
            if (VENDORED.includes(a.path)) {
              // The same depth in dist/ as the importer in src/, so the relative path holds.
              const vendor = path.join(root, "src", "vendor", `${a.path}.js`);
              const rel = path.relative(path.dirname(a.importer), vendor).split(path.sep).join("/");
              return { path: rel.startsWith(".") ? rel : `./${rel}`, external: true };
            }
            return { external: true };
          });
        },
      },
    ],
  });
  await buildVendor(esbuild, tmp);
  // Files loaded at run time by path (the MuPDF render worker .mjs).
  for (const f of sources.filter((f) => !f.endsWith(".ts"))) {
    const dest = path.join(tmp, f.slice(4));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(path.join(root, f), dest);
  }
  fs.writeFileSync(
    path.join(tmp, STAMP),
    `${JSON.stringify({ fingerprint: fingerprint(root, inputs), builtAt: new Date().toISOString() })}\n`,
  );
  const old = `${out}.old-${process.pid}`;
  if (fs.existsSync(out)) fs.renameSync(out, old);
  fs.renameSync(tmp, out);
  fs.rmSync(old, { recursive: true, force: true });
  say(`server: ${sources.length} modules compiled into dist/ in ${Math.round(performance.now() - t0)} ms`);
}

/** Newest modification time under ui/ outside ui/dist (the same rule as the e2e harness). */
function newestUiSource(dir) {
  let max = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "dist" || e.name === "node_modules") continue;
    const p = path.join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newestUiSource(p) : fs.statSync(p).mtimeMs);
  }
  return max;
}

async function buildUi() {
  const ui = path.join(root, "ui");
  const index = path.join(ui, "dist", "index.html");
  const built = fs.statSync(index, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (!force && built >= newestUiSource(ui)) return upToDate("ui: ui/dist/ is up to date");
  const vite = path.join(root, "node_modules/vite/bin/vite.js");
  if (!fs.existsSync(vite)) {
    process.stderr.write("build: vite is not installed; the web UI was not built\n");
    return;
  }
  const t0 = performance.now();
  say("ui: building the web UI into ui/dist/ (vite; up to a minute on a small machine)…");
  const r = spawnSync(
    process.execPath,
    [vite, "build", "--config", path.join(ui, "vite.config.ts"), "--logLevel", "warn"],
    { cwd: root, stdio: "inherit" },
  );
  if (r.status !== 0) throw new Error(`vite build exited with ${r.status ?? r.signal}`);
  say(`ui: built into ui/dist/ in ${Math.round(performance.now() - t0)} ms`);
}

try {
  if (want("server")) await buildServer();
  if (want("ui")) await buildUi();
} catch (e) {
  process.stderr.write(`build: ${e.message}\n`);
  process.exit(1);
}
