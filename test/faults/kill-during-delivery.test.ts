// kill -9 of the real server process (spawned `pdfupload start`) while it uploads the original to
// the CTP bureau: over FTP (Debian vsftpd, throttled), SFTP (ssh2 server answering slowly) and to a
// folder. After a restart the bureau holds one file under the final name, whole, no temp file; over
// FTP vsftpd's transfer log shows one whole upload renamed once onto the final name; and one
// "delivered" notification reached the webhook.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import { createServer, type Server } from "node:http";
import net from "node:net";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { tempName } from "../../src/delivery/names.ts";
import { startSftpServer } from "../../src/delivery/testing/sftp-server.ts";
import { startVsftpd } from "../../src/delivery/testing/vsftpd.ts";
import { openStore } from "../../src/store/db.ts";
import { threeMarks, writeSheet } from "../fixtures/signa.ts";
import { startPostgres, startRedis } from "../helpers/servers.ts";
import { tempDir } from "../helpers/temp-app.ts";
import { until, untilHealthy } from "../helpers/wait.ts";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Collects the webhook notifications the server sends (event header and body). */
async function webhookCapture(): Promise<{ url: string; seen: { event: string; body: string }[] }> {
  const seen: { event: string; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      seen.push({ event: String(req.headers["x-pdfupload-event"] ?? ""), body });
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hook`, seen };
}

interface Bureau {
  /** MB of image in the sheet: a bigger original keeps a fast transport busy longer. */
  imageMb?: number;
  /** The settings' target lines (YAML) for the bureau. */
  target: string;
  /** Where files arrive. */
  dir: string;
}

/**
 * Runs one kill: starts the server, drops a sheet, kills it (SIGKILL) once the upload has started
 * (a temp file shorter than the original at the bureau), restarts it and waits for the delivery.
 */
async function killMidUpload(
  bureau: Bureau,
  mode: { env?: Record<string, string>; databaseUrl?: string } = {},
) {
  const root = tempDir("pdfupload-kill-deliver-");
  cleanups.push(() => fsp.rm(root, { recursive: true, force: true }));
  const data = path.join(root, "data");
  const hook = await webhookCapture();
  const settingsFile = path.join(root, "settings.yaml");
  fs.writeFileSync(
    settingsFile,
    `presses:
  - { name: Speedmaster, plateWidthMm: 1030, plateHeightMm: 770, gripperMm: 40, plateCost: 11.5 }
bureaus:
  - { name: Leonov, target: bureau }
targets:
${bureau.target}
channels:
  webhook: { secret: "hook-secret" }
recipients:
  - { name: Office, webhookUrl: "${hook.url}", channels: [webhook], events: [delivered] }
`,
  );
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    const p = spawn(process.execPath, [path.resolve("bin/pdfupload.js"), "start"], {
      env: {
        ...process.env,
        PDFUPLOAD_DATA: data,
        PDFUPLOAD_CONFIG: settingsFile,
        PDFUPLOAD_ADMIN_PASSWORD: "admin-pass",
        PDFUPLOAD_STABLE_SEC: "0.3",
        PDFUPLOAD_RESCAN_SEC: "1",
        PORT: String(port),
        LOG_LEVEL: "warn",
        ...mode.env,
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    child = p;
    await untilHealthy(port, 60_000, "server up");
    return p;
  };
  cleanups.push(() => child?.kill("SIGKILL"));

  const staging = path.join(root, "staging");
  const name = "0801_Kill_Mid_Upload_Leonov.pdf";
  const file = await writeSheet(staging, name, {
    pages: 1,
    marks: threeMarks({ bureau: "Leonov" }),
    imageMb: bureau.imageMb ?? 4,
  });
  const bytes = (await fsp.stat(file)).size;
  const first = await start();
  await fsp.mkdir(path.join(data, "input"), { recursive: true });
  await fsp.rename(file, path.join(data, "input", name));

  // The upload has begun: the temp file is there, the final name not yet. Looked for with a
  // synchronous stat in a tight loop (yielding now and then): a local copy takes milliseconds.
  const final = "0801_Kill_Mid_Upload.pdf";
  const temp = path.join(bureau.dir, tempName(final));
  let seenTemp = -1;
  for (const end = Date.now() + 120_000; seenTemp < 0; await new Promise((r) => setImmediate(r))) {
    if (Date.now() > end) throw new Error(`no upload began in ${bureau.dir}`);
    for (const spinUntil = Date.now() + 20; Date.now() < spinUntil; ) {
      const size = fs.statSync(temp, { throwIfNoEntry: false })?.size;
      if (size !== undefined) {
        seenTemp = size;
        break;
      }
    }
  }
  first.kill("SIGKILL");
  await new Promise((r) => first.once("exit", r));

  // As the kill left it: the try claimed and never recorded (the copy may have been renamed onto the
  // final name just before: that is the case a second send would image as a new order).
  const store = await openStore({
    sqlitePath: path.join(data, "pdfupload.db"),
    databaseUrl: mode.databaseUrl,
  });
  cleanups.push(() => store.close());
  const before = await store.db.selectFrom("deliveries").selectAll().where("kind", "=", "bureau").execute();
  expect(before).toHaveLength(1);
  expect(before[0]).toMatchObject({ state: "pending", sent_at: null });
  expect(before[0].sending_by).toBeTruthy();

  await start();
  await until(
    async () => {
      const d = await store.db.selectFrom("deliveries").selectAll().where("kind", "=", "bureau").execute();
      const j = await store.db.selectFrom("jobs").select("status").execute();
      return d[0]?.state === "sent" && j[0]?.status === "done";
    },
    180_000,
    "the delivery sent after the restart",
  );
  // One file, under the final name, whole; the temp file the kill left is gone.
  expect(await fsp.readdir(bureau.dir)).toEqual([final]);
  expect((await fsp.stat(path.join(bureau.dir, final))).size).toBe(bytes);
  // One "delivered" notification, reached and recorded once.
  await until(async () => hook.seen.length > 0, 30_000, "the delivered notification");
  await new Promise((r) => setTimeout(r, 1500)); // a second one would come now
  expect(hook.seen.map((s) => s.event)).toEqual(["delivered"]);
  const notes = await store.db
    .selectFrom("notifications")
    .selectAll()
    .where("event", "=", "delivered")
    .execute();
  expect(notes.map((n) => n.ok)).toEqual([1]);
  return { final, bytes };
}

async function ftpBureau() {
  const ftp = await startVsftpd({ log: true, maxRate: 400_000 });
  cleanups.push(() => ftp.stop());
  return {
    ftp,
    bureau: {
      target: `  - { name: bureau, url: "ftp://${ftp.user}@127.0.0.1:${ftp.port}/", password: "${ftp.password}" }`,
      dir: ftp.root,
    },
  };
}

/** vsftpd's logs after the restart: one whole upload, renamed once onto the final name. */
async function expectOneTransfer(
  ftp: Awaited<ReturnType<typeof startVsftpd>>,
  r: { final: string; bytes: number },
) {
  const uploads = await ftp.uploads();
  // The killed try's upload ends when its data connection drops, which is how an FTP upload ends:
  // vsftpd logs it "OK" with the bytes it got. Exactly one upload is whole; the others are short.
  expect(uploads.filter((u) => u.bytes === r.bytes)).toHaveLength(1);
  expect(uploads.filter((u) => u.bytes !== r.bytes).every((u) => u.bytes < r.bytes)).toBe(true);
  const renames = (await ftp.commands()).filter((c) => c.startsWith("RNTO"));
  expect(renames).toEqual([`RNTO ${r.final}`]);
  expect(uploads.some((u) => u.path.endsWith(`/${r.final}`))).toBe(false); // never written under it
}

describe("kill -9 of the server during a delivery", () => {
  it("FTP (vsftpd): one whole upload, renamed once onto the final name; no temp; one notification", async () => {
    const { ftp, bureau } = await ftpBureau();
    await expectOneTransfer(ftp, await killMidUpload(bureau));
  }, 300_000);

  it("SFTP: one file under the final name, no temp, one notification", async () => {
    const sftp = await startSftpServer();
    sftp.writeDelayMs = 40;
    cleanups.push(() => sftp.stop());
    fs.mkdirSync(path.join(sftp.root, "in"));
    await killMidUpload({
      target: `  - { name: bureau, url: "sftp://${sftp.user}@127.0.0.1:${sftp.port}/in", password: "${sftp.password}", hostKey: "${sftp.fingerprint}" }`,
      dir: path.join(sftp.root, "in"),
    });
  }, 300_000);

  it("folder copy: one file under the final name, no temp, one notification", async () => {
    const dir = tempDir("pdfupload-kill-folder-");
    cleanups.push(() => fsp.rm(dir, { recursive: true, force: true }));
    await killMidUpload({ target: `  - { name: bureau, url: "file://${dir}" }`, dir, imageMb: 24 });
  }, 300_000);
});

describe("kill -9 of a worker during a delivery, PostgreSQL + BullMQ", () => {
  it("FTP (vsftpd): the restarted worker finds the interrupted upload; one whole transfer, one notification", async () => {
    const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
    cleanups.push(
      () => pg.stop(),
      () => redis.stop(),
    );
    const { ftp, bureau } = await ftpBureau();
    const r = await killMidUpload(bureau, {
      env: { DATABASE_URL: pg.url, REDIS_URL: redis.url, PDFUPLOAD_QUEUE_LOCK_SEC: "4" },
      databaseUrl: pg.url,
    });
    await expectOneTransfer(ftp, r);
  }, 300_000);
});
