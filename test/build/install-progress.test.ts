// `npm ci` says what it is doing (it took minutes in silence and looked hung) while `npm test` keeps
// its result as the last line. npm itself, with the checkout's .npmrc: the packages' install scripts
// run in the foreground, and the build (the `prepare` step `npm ci` ends with) says each part as it
// starts, long before it ends.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyCheckout } from "../helpers/checkout.ts";
import { tempDir } from "../helpers/temp-app.ts";

const dir = tempDir("pdfupload-install-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The environment of a shell, not of this vitest run (whose variables would change the child's). */
function shellEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(VITEST|npm_|TEST$|NODE_OPTIONS$)/i.test(k)) delete env[k];
  return env;
}

/** Runs a command, noting when each line of its output arrived. */
function timedLines(cmd: string, args: string[], cwd: string) {
  return new Promise<{ code: number | null; lines: { at: number; text: string }[] }>((resolve) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { cwd, env: shellEnv(), stdio: ["ignore", "pipe", "pipe"] });
    const lines: { at: number; text: string }[] = [];
    let rest = "";
    const take = (b: Buffer) => {
      rest += b.toString();
      const parts = rest.split("\n");
      rest = parts.pop() ?? "";
      for (const text of parts) lines.push({ at: Date.now() - t0, text });
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("close", (code) => resolve({ code, lines }));
  });
}

describe("installing and testing from a fresh clone", () => {
  it("npm runs the packages' install scripts in the foreground, and quietly otherwise", () => {
    const checkout = copyCheckout(path.join(dir, "config"));
    const get = (key: string) =>
      spawnSync("npm", ["config", "get", key], {
        cwd: checkout,
        env: shellEnv(),
        encoding: "utf8",
      }).stdout.trim();
    expect(get("foreground-scripts")).toBe("true");
    expect(get("loglevel")).toBe("silent");
  });

  it("the build npm ci ends with says each part when it starts, not only when it is done", async () => {
    const checkout = copyCheckout(path.join(dir, "prepare"), { ui: true });
    // What `npm ci` runs last, through npm and the checkout's .npmrc.
    const { code, lines } = await timedLines("npm", ["run", "prepare"], checkout);
    expect(code, lines.map((l) => l.text).join("\n")).toBe(0);
    const at = (re: RegExp) => {
      const l = lines.find((x) => re.test(x.text));
      expect(l, `a line like ${re}: ${lines.map((x) => x.text).join(" | ")}`).toBeDefined();
      return l?.at ?? 0;
    };
    const serverStart = at(/^server: compiling \d+ modules into dist\/…$/);
    const serverDone = at(/^server: \d+ modules compiled into dist\/ in \d+ ms$/);
    const uiStart = at(/^ui: building the web UI into ui\/dist\/ /);
    const uiDone = at(/^ui: built into ui\/dist\/ in \d+ ms$/);
    expect(serverStart).toBeLessThanOrEqual(serverDone);
    expect(serverDone).toBeLessThanOrEqual(uiStart);
    // The UI build takes seconds: its first line came out while it ran, not with its result.
    expect(uiDone - uiStart).toBeGreaterThan(500);
    expect(fs.existsSync(path.join(checkout, "ui", "dist", "index.html"))).toBe(true);
  }, 240_000);

  it("npm test still ends with its result, when tests pass and when they fail", async () => {
    const root = path.resolve(".");
    const ok = await timedLines("npm", ["test", "--", "src/util/names.test.ts"], root);
    expect(ok.code).toBe(0);
    expect(ok.lines.filter((l) => l.text.trim()).at(-1)?.text).toMatch(/^\d+ passed, 0 failed$/);
    const bad = await timedLines("npm", ["test", "--", "no-such-test-file-anywhere"], root);
    expect(bad.code).not.toBe(0);
    expect(bad.lines.filter((l) => l.text.trim()).at(-1)?.text).toMatch(/^0 passed, [1-9]\d* failed$/);
  }, 120_000);
});
