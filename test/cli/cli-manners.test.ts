// The command line as an operator meets it, through the real bin: `status | head` leaves quietly,
// a wrong path says "no such file" (not "damaged"), an unknown bureau is refused with the known
// names, and `render` prints a short summary (`--json` for the object).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testSettings, threeMarks, writeSheet } from "../fixtures/signa.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";

const dir = tempDir("pdfupload-cli-manners-");
const data = path.join(dir, "data");
const bin = path.resolve("bin/pdfupload.js");
const env = { ...process.env, PDFUPLOAD_DATA: data, PDFUPLOAD_SECRET_KEY: "", DATABASE_URL: "" };
const JOBS = 3000;
let sheet = "";

function cli(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { env, encoding: "utf8", timeout: 120_000 });
}

beforeAll(async () => {
  const ctx = await tempContext(data);
  await ctx.settingsRepo.save(testSettings());
  // Enough rows that `status` writes far more than a pipe holds (64 KiB).
  for (let i = 1; i <= JOBS; i++)
    await ctx.jobs.create({ fileName: `${i}_Листовка_А4_Leonov.pdf`, source: "test", sourcePath: null });
  await ctx.close();
  sheet = await writeSheet(dir, "0537_Флаер_Leonov.pdf", { pages: 2, marks: threeMarks() });
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("pdfupload on the command line", () => {
  it("status | head: the reader closing the pipe ends it quietly with exit 0", async () => {
    for (const args of [
      ["status", "-n", String(JOBS)],
      ["status", "-n", String(JOBS), "--json"],
    ]) {
      const child = spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      let got = 0;
      child.stderr.on("data", (b) => {
        stderr += b;
      });
      // What `head -n 1` does: read the first chunk, then close its end of the pipe.
      child.stdout.once("data", (b: Buffer) => {
        got = b.length;
        child.stdout.destroy();
      });
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(got).toBeGreaterThan(0);
      expect(stderr.replace(/^pdfupload: .*running the sources through tsx\n/, "")).toBe("");
      expect(code).toBe(0);
    }
  }, 60_000);

  it("a missing path says no such file, in analyze (text and --json) and render", () => {
    const gone = path.join(dir, "0538_Нет_такого_Leonov.pdf");
    const text = cli("analyze", gone, "--in-process");
    expect(text.status).toBe(2);
    expect(text.stderr).toContain(`${gone}: no such file`);
    expect(text.stderr + text.stdout).not.toMatch(/damaged|Signa again/i);

    // --json keeps one object per file in input order; the missing one names its code.
    const json = cli("analyze", gone, sheet, "--json", "--in-process");
    expect(json.status).toBe(2);
    const [a, b] = json.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(a).toEqual({
      file: path.basename(gone),
      path: gone,
      error: { code: "no-such-file", message: "no such file" },
    });
    expect(b).toMatchObject({ file: "0537_Флаер_Leonov.pdf", error: null, pages: 2 });

    const r = cli("render", gone, "--out", path.join(dir, "out-gone"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${gone}: no such file`);
    expect(r.stderr).not.toMatch(/damaged/i);
    expect(fs.existsSync(path.join(dir, "out-gone"))).toBe(false);

    const folder = cli("analyze", dir, "--in-process");
    expect(folder.stderr).toContain(`${dir}: not a file`);
  });

  it("enqueue --bureau refuses a bureau the shop does not know, naming the known ones, and queues nothing", () => {
    const before = JSON.parse(cli("status", "--json", "-n", "1").stdout).counts.queued;
    const r = cli("enqueue", sheet, "--bureau", "Nobody");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown bureau "Nobody"');
    const known = testSettings().bureaus.map((b) => b.name);
    expect(known.length).toBeGreaterThan(1);
    for (const name of known) expect(r.stderr).toContain(name);
    expect(r.stdout).toBe("");
    expect(JSON.parse(cli("status", "--json", "-n", "1").stdout).counts.queued).toBe(before);

    // A known one in another case is taken, spelled as the settings spell it.
    const ok = cli("enqueue", sheet, "--bureau", known[0].toUpperCase());
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/queued as job \d+: 0537_Флаер_Leonov\.pdf/);
  });
});
