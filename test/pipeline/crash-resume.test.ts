// kill -9 the real server at random points while it works: after restarts every file is in the
// journal exactly once, done, its original in the archive, and nothing is left behind.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/db.ts";
import { threeMarks, writeSheet } from "../fixtures/signa.ts";
import { tempDir } from "../helpers/temp-app.ts";
import { sleep, until, untilHealthy } from "../helpers/wait.ts";

const root = tempDir("pdfupload-crash-");
const data = path.join(root, "data");
let child: ChildProcess | null = null;
let store: Store | null = null;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function startServer(port: number): Promise<ChildProcess> {
  const p = spawn(process.execPath, [path.resolve("bin/pdfupload.js"), "start", "--concurrency", "2"], {
    env: {
      ...process.env,
      PDFUPLOAD_DATA: data,
      PDFUPLOAD_CONFIG: path.join(root, "settings.yaml"),
      PDFUPLOAD_ADMIN_PASSWORD: "admin-pass",
      PDFUPLOAD_STABLE_SEC: "0.3",
      PDFUPLOAD_RESCAN_SEC: "1",
      PORT: String(port),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  await untilHealthy(port, 30_000, "server up");
  return p;
}

afterAll(async () => {
  child?.kill("SIGKILL");
  await store?.close();
  await fsp.rm(root, { recursive: true, force: true });
});

describe("crash and resume", () => {
  it("loses and doubles nothing across 10 kill -9 at random points", async () => {
    fs.writeFileSync(
      path.join(root, "settings.yaml"),
      `presses:
  - { name: Speedmaster, plateWidthMm: 1030, plateHeightMm: 770, gripperMm: 40, plateCost: 11.5 }
bureaus:
  - { name: Leonov, target: bureau }
targets:
  - { name: bureau, url: "file://${path.join(root, "bureau")}" }
`,
    );
    fs.mkdirSync(path.join(root, "bureau"));
    const staging = path.join(root, "staging");
    const names: string[] = [];
    for (let i = 0; i < 12; i++) {
      const name = `${String(700 + i).padStart(4, "0")}_Crash_${i}_Leonov.pdf`;
      await writeSheet(staging, name, {
        pages: 1 + (i % 3),
        marks: threeMarks({ bureau: "Leonov" }),
        artworkText: `Job ${i}`,
      });
      names.push(name);
    }
    const input = path.join(data, "input");
    await fsp.mkdir(input, { recursive: true });
    const port = await freePort();
    let next = 0;
    for (let round = 0; round < 10; round++) {
      child = await startServer(port);
      // Drop a file or two each round (atomically, as a finished copy), then kill at a random moment.
      for (let k = 0; k < 2 && next < names.length; k++, next++)
        await fsp.rename(path.join(staging, names[next]), path.join(input, names[next]));
      await sleep(200 + Math.floor(Math.random() * 2500));
      child.kill("SIGKILL");
      await new Promise((r) => child?.once("exit", r));
      child = null;
    }
    while (next < names.length) {
      await fsp.rename(path.join(staging, names[next]), path.join(input, names[next]));
      next++;
    }
    child = await startServer(port);
    store = await openStore({ sqlitePath: path.join(data, "pdfupload.db") });
    const db = store.db;
    await until(
      async () => {
        const rows = await db.selectFrom("jobs").select(["status"]).execute();
        return (
          rows.length >= names.length && rows.every((r) => ["done", "failed", "duplicate"].includes(r.status))
        );
      },
      180_000,
      "all jobs finished",
    );
    // A delivery killed mid-send is held from other workers for a minute, then sent again.
    await until(
      async () => {
        const ds = await db.selectFrom("deliveries").select(["state"]).execute();
        return ds.length >= names.length && ds.every((d) => d.state !== "pending");
      },
      150_000,
      "all deliveries settled",
    );
    const rows = await db.selectFrom("jobs").selectAll().orderBy("id").execute();
    for (const r of rows.filter((x) => x.status !== "done")) {
      const log = await db.selectFrom("job_log").selectAll().where("job_id", "=", r.id).execute();
      console.error(r.id, r.file_name, r.timeline, log.map((l) => `${l.at} ${l.msg}`).join("\n"));
    }
    // Exactly once each, all done.
    expect(rows.map((r) => r.file_name).sort()).toEqual([...names].sort());
    expect(
      rows
        .filter((r) => r.status !== "done")
        .map((r) => `${r.file_name}: ${r.error_code} ${r.error_message}`),
    ).toEqual([]);
    for (const r of rows) {
      expect(r.final_path).toContain(`${path.sep}archive${path.sep}`);
      expect(fs.existsSync(r.final_path as string)).toBe(true);
    }
    // Nothing left in the hot folder or the work area.
    expect(await fsp.readdir(input)).toEqual([]);
    expect(await fsp.readdir(path.join(data, "work")).catch(() => [])).toEqual([]);
    // Every original reached the bureau once under its delivered name.
    // (A kill in mid-upload may leave the transport's temporary file; it never has the final name.)
    const delivered = (await fsp.readdir(path.join(root, "bureau"))).filter(
      (n) => n.endsWith(".pdf") && !n.startsWith("."),
    );
    expect(delivered.sort()).toEqual(names.map((n) => n.replace("_Leonov.pdf", ".pdf")).sort());
  }, 420_000);
});
