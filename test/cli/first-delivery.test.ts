// The README's first-delivery walkthrough, as written there: its shop.yaml (the FTP address and the
// press folder pointed at a real vsftpd and a temp folder), `config import`, `start`, one Signa sheet
// into data/input; the original must reach the bureau's FTP folder, the preview the press folder.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVsftpd, type Vsftpd } from "../../src/delivery/testing/vsftpd.ts";
import { freePort, until } from "../e2e/harness.ts";
import { threeMarks, writeSheet } from "../fixtures/signa.ts";
import { tempDir } from "../helpers/temp-app.ts";

const dir = tempDir("pdfupload-first-delivery-");
const data = path.join(dir, "data");
const pressDir = path.join(dir, "press", "speedmaster");
const bin = path.resolve("bin/pdfupload.js");
let ftp: Vsftpd;
let server: ChildProcess | null = null;
let env: NodeJS.ProcessEnv;

/** The first ```yaml block under the README's "First delivery" heading. */
function walkthroughYaml(): string {
  const readme = fs.readFileSync(path.resolve("README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## First delivery"));
  const m = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error("README: no yaml block under 'First delivery'");
  // The block is indented inside a list item.
  return m[1].replace(/^ {3}/gm, "");
}

/** Replaces a README placeholder, failing if the README no longer has it (test and text in step). */
function put(text: string, placeholder: string, value: string): string {
  expect(text, `README placeholder ${placeholder}`).toContain(placeholder);
  return text.split(placeholder).join(value);
}

beforeAll(async () => {
  ftp = await startVsftpd();
  fs.mkdirSync(path.join(ftp.root, "in"));
  fs.mkdirSync(pressDir, { recursive: true }); // a mounted share exists before anything is sent
  env = {
    ...process.env,
    PDFUPLOAD_DATA: data,
    PDFUPLOAD_SECRET_KEY: "",
    PDFUPLOAD_CONFIG: "",
    DATABASE_URL: "",
    REDIS_URL: "",
    PORT: String(await freePort()),
    PDFUPLOAD_ADMIN_PASSWORD: "first-delivery",
    PDFUPLOAD_STABLE_SEC: "0.5",
    LOG_LEVEL: "warn",
  };
}, 60_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server?.once("exit", r));
  }
  await ftp?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the README's first delivery", () => {
  it("one FTP bureau, one press preview folder, one sheet: both arrive and the job is done", async () => {
    let yaml = walkthroughYaml();
    yaml = put(yaml, "ftp://plates@ctp.leonov.example/in", `ftp://${ftp.user}@127.0.0.1:${ftp.port}/in`);
    yaml = put(yaml, "password: change-me", `password: "${ftp.password}"`);
    yaml = put(yaml, "file:///srv/press/speedmaster", `file://${pressDir}`);
    const shop = path.join(dir, "shop.yaml");
    fs.writeFileSync(shop, yaml);

    const imported = spawnSync(process.execPath, [bin, "config", "import", shop], { env, encoding: "utf8" });
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toContain("imported 1 press(es), 1 bureau(s), 2 target(s)");

    server = spawn(process.execPath, [bin, "start"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let said = "";
    server.stdout?.on("data", (b) => {
      said += b;
    });
    server.stderr?.on("data", (b) => {
      said += b;
    });
    await until(() => said.includes("listening on"), "the server to listen", 60_000);

    const name = "0537_Flyer_A4_Leonov.pdf";
    const staged = await writeSheet(path.join(dir, "staging"), name, { pages: 1, marks: threeMarks() });
    const original = fs.readFileSync(staged);
    fs.renameSync(staged, path.join(data, "input", name));

    const status = () =>
      JSON.parse(spawnSync(process.execPath, [bin, "status", "--json"], { env, encoding: "utf8" }).stdout);
    const job = await until(
      () =>
        status().jobs.find((j: { file: string; status: string }) => j.file === name && j.status === "done"),
      "the sheet to be done",
      120_000,
    );
    expect(job.error).toBeNull();
    const atBureau = fs.readdirSync(path.join(ftp.root, "in"));
    const atPress = fs.readdirSync(pressDir);
    // As the README says: `{name}` is the file name without the bureau's name.
    const sent = "0537_Flyer_A4.pdf";
    expect(atBureau, said).toEqual([sent]);
    expect(atPress, said).toEqual([sent]);
    // The bureau gets the original byte for byte; the press a preview PDF made from it.
    expect(fs.readFileSync(path.join(ftp.root, "in", sent)).equals(original)).toBe(true);
    const preview = fs.readFileSync(path.join(pressDir, sent));
    expect(preview.subarray(0, 5).toString()).toBe("%PDF-");
    expect(preview.equals(original)).toBe(false);
  }, 240_000);
});
