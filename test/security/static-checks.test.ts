// Checks over the source tree: no shell anywhere (programs are spawned with argument arrays), no raw
// HTML in the UI, and dependencies pinned by the lock file.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

function sources(dir: string, exts = /\.(ts|tsx|js|mjs|cjs)$/): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return (fs.readdirSync(abs, { recursive: true }) as string[])
    .filter((f) => exts.test(f) && !f.includes("node_modules") && !f.includes("dist/"))
    .map((f) => path.join(abs, f));
}

function findings(files: string[], patterns: [RegExp, string][]): string[] {
  const out: string[] = [];
  for (const f of files) {
    const lines = fs.readFileSync(f, "utf8").split("\n");
    lines.forEach((line, i) => {
      if (/^\s*(\/\/|\*)/.test(line)) return; // comments may name what they forbid
      for (const [re, why] of patterns)
        if (re.test(line)) out.push(`${path.relative(ROOT, f)}:${i + 1}: ${why}: ${line.trim()}`);
    });
  }
  return out;
}

describe("no shell anywhere", () => {
  const files = [
    ...sources("src"),
    ...sources("bin"),
    ...sources("scripts"),
    ...sources("test"),
    ...sources("bench"),
    ...sources("deploy"),
  ].filter((f) => !f.endsWith("static-checks.test.ts"));

  it("scans a real tree", () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it("never starts a shell or builds a command line", () => {
    const problems = findings(files, [
      [/shell\s*:\s*(true|["'`])/, "shell option"],
      [/\b(exec|execSync)\b[^;]*from\s+["'](node:)?child_process["']/, "exec/execSync import (runs a shell)"],
      [
        /import\s*\{[^}]*\b(exec|execSync)\b[^}]*\}\s*from\s+["'](node:)?child_process/,
        "exec/execSync import (runs a shell)",
      ],
      [/child_process\s*\.\s*(exec|execSync)\s*\(/, "child_process.exec"],
      [/\b(cp|childProcess|proc)\s*\.\s*(exec|execSync)\s*\(/, "exec through a module alias"],
      [
        /\b(spawn|spawnSync|execFile|execFileSync)\s*\(\s*["'`](sh|bash|\/bin\/sh|\/bin\/bash|cmd|cmd\.exe|powershell)["'`]/,
        "a shell as the program",
      ],
      [/["'`]-c["'`]\s*,\s*`/, "a template string handed to -c"],
    ]);
    expect(problems).toEqual([]);
  });

  it("spawns only with an argument array", () => {
    // spawn(program, [args…] | identifier of an array, options): never spawn("gs -q " + file).
    const problems = findings(files, [
      [
        /\b(spawn|spawnSync|execFile|execFileSync)\s*\(\s*["'`][^"'`]*\s[^"'`]*["'`]\s*[,)]/,
        "program string with spaces",
      ],
      [/\b(spawn|spawnSync|execFile|execFileSync)\s*\([^,()]*\+/, "program built by concatenation"],
    ]);
    expect(problems).toEqual([]);
  });
});

describe("no raw HTML", () => {
  it("the UI never injects HTML (React escapes everything else)", () => {
    const ui = sources("ui/src", /\.(ts|tsx|js|jsx)$/);
    expect(ui.length).toBeGreaterThan(5);
    const problems = findings(ui, [
      [/dangerouslySetInnerHTML/, "dangerouslySetInnerHTML"],
      [/\.(innerHTML|outerHTML)\s*=/, "innerHTML assignment"],
      [/insertAdjacentHTML|document\.write\s*\(/, "HTML insertion"],
      [/\beval\s*\(|new Function\s*\(/, "code from strings"],
    ]);
    expect(problems).toEqual([]);
  });

  it("the server builds no HTML from data", () => {
    const problems = findings(sources("src"), [
      [/\.type\(\s*["']text\/html["']\s*\)\s*\.send\(\s*`[^`]*\$\{/, "HTML from a template string"],
    ]);
    expect(problems).toEqual([]);
  });
});

describe("dependencies pinned by the lock file", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));

  it("package.json names exact versions only", () => {
    const all = { ...pkg.dependencies, ...pkg.devDependencies } as Record<string, string>;
    const ranged = Object.entries(all).filter(([, v]) => !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(v));
    expect(ranged).toEqual([]);
  });

  it("the lock file holds every dependency at that version, with an integrity hash for each package", () => {
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
    const all = { ...pkg.dependencies, ...pkg.devDependencies } as Record<string, string>;
    for (const [name, version] of Object.entries(all)) {
      expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(version);
    }
    // `resolved` may be omitted (registry-neutral lock); the version and the sha512 pin each tarball.
    const unpinned = Object.entries(
      lock.packages as Record<string, { version?: string; integrity?: string; link?: boolean }>,
    )
      .filter(
        ([k, v]) =>
          k.startsWith("node_modules/") && !v.link && (!v.version || !/^sha512-/.test(v.integrity ?? "")),
      )
      .map(([k]) => k);
    expect(unpinned).toEqual([]);
  });
});
