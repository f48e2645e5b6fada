// The compiled build, in a copy of the checkout as a fresh clone has it: the build compiles src/ into
// dist/ and rebuilds nothing that is up to date; bin/pdfupload.js runs dist/ (no tsx, no .ts), and the
// sources with a note on stderr when the build is missing or stale; each command loads only what it
// uses (a module-resolution hook lists every module a real run loads); the compiled analysis answers
// as the sources do.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeFile } from "../../src/analysis/analyze.ts";
import { settingsToYaml } from "../../src/config/settings-file.ts";
import { testSettings, threeMarks, writeSheet } from "../fixtures/signa.ts";
import { copyCheckout } from "../helpers/checkout.ts";
import { tempDir } from "../helpers/temp-app.ts";

const dir = tempDir("pdfupload-build-");
let checkout = "";
let sheet = "";
const hook = path.join(dir, "trace-hook.mjs");
const env: NodeJS.ProcessEnv = { ...process.env, PDFUPLOAD_DATA: path.join(dir, "data"), LOG_LEVEL: "warn" };
delete env.DATABASE_URL;
delete env.REDIS_URL;
delete env.NODE_OPTIONS;

function node(args: string[], cwd = checkout) {
  return spawnSync(process.execPath, args, { cwd, env, encoding: "utf8", timeout: 120_000 });
}
const build = () => node(["scripts/build.mjs", "--server"]);
const cli = (...args: string[]) => node(["bin/pdfupload.js", ...args]);

/** Runs the CLI with the resolution hook; returns its result and every module URL it loaded. */
function traced(...args: string[]) {
  const log = path.join(dir, `trace-${Math.random().toString(36).slice(2)}.txt`);
  fs.writeFileSync(log, "");
  const r = spawnSync(process.execPath, ["--import", hook, "bin/pdfupload.js", ...args], {
    cwd: checkout,
    env: { ...env, TRACE_LOG: log },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { ...r, loaded: fs.readFileSync(log, "utf8").split("\n").filter(Boolean) };
}

/** Packages among loaded module URLs (node_modules/<name>/…). */
const packages = (urls: string[]) =>
  new Set(urls.map((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter(Boolean));

beforeAll(async () => {
  checkout = copyCheckout(dir);
  const hooks = path.join(dir, "trace-hooks.mjs");
  fs.writeFileSync(
    hooks,
    `import fs from "node:fs";
let log;
export function initialize(d) { log = d.log; }
export async function resolve(s, c, next) {
  const r = await next(s, c);
  if (log && !r.url.startsWith("node:")) fs.appendFileSync(log, r.url + "\\n");
  return r;
}
`,
  );
  fs.writeFileSync(
    hook,
    `import { register } from "node:module";
register(${JSON.stringify(`file://${hooks}`)}, { data: { log: process.env.TRACE_LOG } });
`,
  );
  sheet = await writeSheet(dir, "0537_Technoyug_Flier_Leonov.pdf", { pages: 2, marks: threeMarks() });
  fs.writeFileSync(path.join(dir, "settings.yaml"), settingsToYaml(testSettings()));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("compiled build", () => {
  it("without a build, bin runs the sources through tsx and says so on stderr", () => {
    const r = cli("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/analyze/);
    expect(r.stderr).toMatch(/no compiled build in dist\/.*running the sources through tsx/);
  });

  it("compiles one .js per server module into dist/ (tests left out), and a second build does nothing", () => {
    const first = build();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/server: \d+ modules compiled into dist\//);
    for (const f of [
      "cli/main.js",
      "isolation/pdf-child.js",
      "store/db.js",
      "vendor/kysely.js",
      "build.json",
    ])
      expect(fs.existsSync(path.join(checkout, "dist", f)), f).toBe(true);
    const all = fs.readdirSync(path.join(checkout, "dist"), { recursive: true }).map(String);
    expect(all.filter((f) => /\.test\.js$|\.ts$/.test(f))).toEqual([]);
    const again = build();
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/server: dist\/ is up to date/);
  });

  it("bin runs dist/ with no tsx and no TypeScript source loaded", () => {
    const r = traced("--help");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/analyze/);
    expect(r.loaded.some((u) => u.endsWith("/dist/cli/main.js"))).toBe(true);
    expect(r.loaded.filter((u) => u.endsWith(".ts") || u.includes("/node_modules/tsx/"))).toEqual([]);
  });

  it("--help, config, status load none of Fastify, BullMQ, pg, sharp or MuPDF", () => {
    const heavy = ["fastify", "bullmq", "ioredis", "pg", "sharp", "mupdf", "chokidar"];
    const imp = traced("config", "import", path.join(dir, "settings.yaml"));
    expect(imp.status, imp.stderr).toBe(0);
    for (const args of [["--help"], ["status", "--json"], ["config", "export"]]) {
      const r = traced(...args);
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      expect(
        [...packages(r.loaded)].filter((p) => heavy.includes(p as string)),
        args.join(" "),
      ).toEqual([]);
    }
    // The hook does see packages: status opens the journal; --help opens no database.
    expect(packages(traced("status", "--json").loaded).has("better-sqlite3")).toBe(true);
    expect(packages(traced("--help").loaded).has("better-sqlite3")).toBe(false);
  });

  it("analyze reads in its PDF child: MuPDF is not loaded in the command's own process", async () => {
    const r = traced("analyze", "--json", sheet);
    expect(r.status, r.stderr).toBe(0);
    expect(packages(r.loaded).has("mupdf")).toBe(false);
    expect(r.loaded.some((u) => u.endsWith("/dist/isolation/pdf-pool.js"))).toBe(true);
    const settings = (await import("../../src/config/settings-file.ts")).parseSettingsYaml(
      fs.readFileSync(path.join(dir, "settings.yaml"), "utf8"),
    );
    expect(JSON.parse(r.stdout)).toEqual(await analyzeFile(sheet, { settings }));
  });

  it("a source edited after the build makes bin fall back to the sources, with a note, until rebuilt", () => {
    const f = path.join(checkout, "src/cli/status.command.ts");
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(f, later, later);
    const stale = cli("--help");
    expect(stale.status).toBe(0);
    expect(stale.stderr).toMatch(/sources changed since dist\/ was built/);
    expect(build().stdout).toMatch(/modules compiled/);
    expect(cli("--help").stderr).toBe("");
  });
});
