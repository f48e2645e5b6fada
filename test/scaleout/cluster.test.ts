// The scale-out mode as it runs in production: PostgreSQL, Redis, and the roles as separate
// processes (`pdfupload web`, two `pdfupload worker`, `pdfupload watch`). 100 files through the
// hot folder are each processed once, also when one worker is killed with -9 mid-run; nginx in
// front (the site shipped in deploy/) serves the journal, an upload and the live event stream;
// a file copied in through Samba reaches the bureau's FTP exactly once; SIGHUP re-opens hot
// folders; SIGTERM lets a worker finish its job.
import { type ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import https from "node:https";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, makeSelfSignedCert, type SelfSignedCert } from "../../src/delivery/testing/net.ts";
import { startVsftpd, type Vsftpd } from "../../src/delivery/testing/vsftpd.ts";
import { openStore, type Store } from "../../src/store/db.ts";
import type { TimelineEntry } from "../../src/store/jobs.repository.ts";
import { threeMarks, writeSheet } from "../fixtures/signa.ts";
import {
  smbPut,
  startNginx,
  startPostgres,
  startRedis,
  startSamba,
  type TestServer,
} from "../helpers/servers.ts";
import { tempDir } from "../helpers/temp-app.ts";
import { until, untilHealthy } from "../helpers/wait.ts";

const FILES = 100;
const root = tempDir("pdfupload-cluster-");
const data = path.join(root, "data");
const input = path.join(data, "input");
const bureauDir = path.join(root, "bureau");
const settingsFile = path.join(root, "settings.yaml");

interface Role {
  name: string;
  child: ChildProcess;
  /** Job ids this process logged a step for. */
  jobs: Set<number>;
  exited: Promise<number | null>;
}

let pg: TestServer;
let redis: TestServer;
let ftp: Vsftpd;
let store: Store;
let webPort = 0;
const roles: Role[] = [];
const cleanups: (() => Promise<void>)[] = [];

function settingsYaml(extraHotFolders: string[] = []): string {
  const hot = ["input", ...extraHotFolders].map((p) => `  - { path: ${p} }`).join("\n");
  return `presses:
  - { name: Speedmaster, plateWidthMm: 1030, plateHeightMm: 770, gripperMm: 40, plateCost: 11.5 }
bureaus:
  - { name: Leonov, target: bureau }
  - { name: Vonoel, target: vonoel-ftp }
targets:
  - { name: bureau, url: "file://${bureauDir}" }
  - { name: vonoel-ftp, url: "ftp://${ftp.user}@127.0.0.1:${ftp.port}/", password: "${ftp.password}" }
hotFolders:
${hot}
`;
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PDFUPLOAD_DATA: data,
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    PDFUPLOAD_STABLE_SEC: "0.5",
    PDFUPLOAD_RESCAN_SEC: "2",
    PDFUPLOAD_QUEUE_LOCK_SEC: "4",
    PDFUPLOAD_CONCURRENCY: "1",
    LOG_LEVEL: "info",
    ...extra,
  };
}

function startRole(name: string, args: string[], extraEnv: Record<string, string> = {}): Role {
  const child = spawn(process.execPath, [path.resolve("bin/pdfupload.js"), ...args], {
    env: env(extraEnv),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const role: Role = {
    name,
    child,
    jobs: new Set(),
    exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
  };
  let buf = "";
  child.stdout?.on("data", (b) => {
    buf += String(b);
    let nl = buf.indexOf("\n");
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      nl = buf.indexOf("\n");
      if (!line.startsWith("{")) continue;
      try {
        const rec = JSON.parse(line) as { job?: number };
        if (typeof rec.job === "number") role.jobs.add(rec.job);
      } catch {}
    }
  });
  child.stderr?.on("data", (b) => {
    if (process.env.TEST_LOG) process.stderr.write(`[${name}] ${b}`);
  });
  roles.push(role);
  return role;
}

async function healthy(port: number): Promise<void> {
  await untilHealthy(port, 60_000, "web up");
}

const jobRows = () => store.db.selectFrom("jobs").selectAll().orderBy("id").execute();

beforeAll(async () => {
  [pg, redis, ftp] = await Promise.all([startPostgres(), startRedis(), startVsftpd()]);
  cleanups.push(
    () => pg.stop(),
    () => redis.stop(),
    () => ftp.stop(),
  );
  fs.mkdirSync(bureauDir, { recursive: true }); // a folder target must exist (a mounted share)
  fs.writeFileSync(settingsFile, settingsYaml());
  // The web starts first: it makes the secret key and imports the settings the others read.
  webPort = await freePort();
  startRole("web", ["web"], {
    PORT: String(webPort),
    PDFUPLOAD_CONFIG: settingsFile,
    PDFUPLOAD_ADMIN_PASSWORD: "admin-pass",
  });
  await healthy(webPort);
  startRole("worker-a", ["worker"]);
  startRole("worker-b", ["worker"]);
  startRole("watch", ["watch"], { PDFUPLOAD_CONFIG: settingsFile });
  store = await openStore({ databaseUrl: pg.url, sqlitePath: "" });
}, 120_000);

afterAll(async () => {
  for (const r of roles) r.child.kill("SIGKILL");
  await Promise.all(roles.map((r) => r.exited));
  await store?.close();
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await fsp.rm(root, { recursive: true, force: true });
});

describe("roles as separate processes on PostgreSQL + Redis", () => {
  it(`processes ${FILES} files once each with two workers, one killed with -9 mid-run`, async () => {
    const staging = path.join(root, "staging");
    const names: string[] = [];
    for (let i = 0; i < FILES; i++) {
      const name = `${String(1000 + i)}_Scale_${i}_Leonov.pdf`;
      await writeSheet(staging, name, {
        pages: 1,
        marks: threeMarks({ bureau: "Leonov" }),
        artworkText: `sheet ${i}`,
      });
      names.push(name);
    }
    // All at once, like a folder copied in: renames are atomic.
    for (const n of names) await fsp.rename(path.join(staging, n), path.join(input, n));

    const [a, b] = [
      roles.find((r) => r.name === "worker-a") as Role,
      roles.find((r) => r.name === "worker-b") as Role,
    ];
    const doneCount = async () => (await jobRows()).filter((j) => j.status === "done").length;
    await until(
      async () => (await doneCount()) >= 20 && a.jobs.size > 0 && b.jobs.size > 0,
      240_000,
      "both workers at work",
    );
    const inFlight = (await jobRows()).filter((j) => j.status === "processing").length;
    expect(inFlight).toBeGreaterThan(0);
    a.child.kill("SIGKILL");
    await a.exited;
    const bBefore = b.jobs.size;

    await until(
      async () => {
        const rows = await jobRows();
        return rows.length === FILES && rows.every((j) => j.status === "done");
      },
      480_000,
      "all jobs done",
    );
    // The surviving worker went on alone, including whatever the killed one held.
    expect(b.jobs.size).toBeGreaterThan(bBefore);
    const rows = await jobRows();
    expect(rows).toHaveLength(FILES);
    expect(new Set(rows.map((r) => r.file_name))).toEqual(new Set(names));
    for (const r of rows) {
      expect(r.error_code, r.file_name).toBeNull();
      // Every step completed exactly once: a resumed job repeats no finished step.
      const ok = (JSON.parse(r.timeline) as TimelineEntry[])
        .filter((t) => t.status === "ok")
        .map((t) => t.step);
      expect(ok, r.file_name).toEqual(["intake", "analyse", "render", "archive", "plan", "deliver"]);
      expect(fs.existsSync(r.final_path as string)).toBe(true);
    }
    // One bureau delivery per job; the bureau folder holds each file once, bureau token removed.
    const deliveries = await store.db
      .selectFrom("deliveries")
      .selectAll()
      .where("kind", "=", "bureau")
      .execute();
    expect(deliveries).toHaveLength(FILES);
    expect(new Set(deliveries.map((d) => d.job_id)).size).toBe(FILES);
    const delivered = fs.readdirSync(bureauDir).filter((f) => f.endsWith(".pdf"));
    const sent = deliveries.filter((d) => d.state === "sent");
    expect(delivered.length).toBe(sent.length);
    // At most the one delivery the killed worker was in the middle of waits for its claim to lapse.
    expect(FILES - sent.length).toBeLessThanOrEqual(1);
    for (const f of delivered) expect(f).toMatch(/^\d{4}_Scale_\d+\.pdf$/);
    expect(fs.readdirSync(input).filter((f) => f.endsWith(".pdf"))).toEqual([]);
  }, 600_000);

  describe("nginx in front, with the site from deploy/nginx", () => {
    let cert: SelfSignedCert;
    let base = "";
    let nginx: TestServer & { port: number };
    const assets = path.join(root, "assets");

    beforeAll(async () => {
      cert = await makeSelfSignedCert(path.join(root));
      await fsp.mkdir(assets, { recursive: true });
      await fsp.writeFile(path.join(assets, "index-3f9a.js"), "console.log('ui')");
      await fsp.chmod(root, 0o755);
      nginx = await startNginx({ upstreamPort: webPort, assetsDir: assets, cert });
      cleanups.push(() => nginx.stop());
      base = nginx.url;
    });

    function request(
      method: string,
      url: string,
      o: { headers?: Record<string, string>; body?: Buffer } = {},
    ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
      return new Promise((resolve, reject) => {
        const req = https.request(`${base}${url}`, { method, ca: cert.cert, headers: o.headers }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c) => {
            body += c;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on("error", reject);
        req.end(o.body);
      });
    }

    it("serves the journal, an upload and the live events of a job run by a worker process", async () => {
      const journal = await request("GET", "/api/jobs?limit=5");
      expect(journal.status).toBe(200);
      expect(JSON.parse(journal.body).total).toBe(FILES);

      const login = await request("POST", "/api/login", {
        headers: { "content-type": "application/json" },
        body: Buffer.from(JSON.stringify({ name: "admin", password: "admin-pass" })),
      });
      expect(login.status).toBe(200);
      const setCookie = String(login.headers["set-cookie"]);
      // nginx said https (X-Forwarded-Proto): the session cookie is Secure.
      expect(setCookie).toMatch(/Secure/);
      const cookie = (/pdfupload_session=[^;]+/.exec(setCookie) as RegExpExecArray)[0];
      const csrf = JSON.parse(login.body).csrf as string;

      // The live stream, opened through nginx before the upload.
      const events: { type: string; data: { id: number; status?: string } }[] = [];
      let opened = false;
      const stream = https.get(`${base}/api/events`, { ca: cert.cert }, (res) => {
        opened = true;
        expect(res.headers["content-type"]).toMatch(/text\/event-stream/);
        let buf = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          buf += c;
          let end = buf.indexOf("\n\n");
          while (end >= 0) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            end = buf.indexOf("\n\n");
            const type = /^event: (.*)$/m.exec(block)?.[1];
            const d = /^data: (.*)$/m.exec(block)?.[1];
            if (type && d) events.push({ type, data: JSON.parse(d) });
          }
        });
      });
      try {
        await until(() => opened, 10_000, "event stream open");
        const sheet = await writeSheet(path.join(root, "upload"), "2000_Upload_Leonov.pdf", {
          pages: 1,
          marks: threeMarks({ bureau: "Leonov" }),
          artworkText: "uploaded through nginx",
        });
        const boundary = `----pdfupload${crypto.randomBytes(8).toString("hex")}`;
        const body = Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="2000_Upload_Leonov.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
          ),
          fs.readFileSync(sheet),
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]);
        const up = await request("POST", "/api/uploads", {
          headers: {
            "content-type": `multipart/form-data; boundary=${boundary}`,
            cookie,
            "x-csrf-token": csrf,
          },
          body,
        });
        expect(up.status).toBe(201);
        const id = JSON.parse(up.body).jobs[0].id as number;
        // Progress made in a worker process arrives live, through Redis, the web and nginx.
        await until(
          () => events.some((e) => e.type === "job" && e.data.id === id && e.data.status === "done"),
          120_000,
          "done event through nginx",
        );
        expect(
          events.some((e) => e.type === "job" && e.data.id === id && e.data.status === "processing"),
        ).toBe(true);
        expect(events.some((e) => e.type === "log" && e.data.id === id)).toBe(true);
        const job = JSON.parse((await request("GET", `/api/jobs/${id}`)).body);
        expect(job).toMatchObject({ status: "done", press: "Speedmaster", bureau: "Leonov" });
        expect(fs.existsSync(path.join(bureauDir, "2000_Upload.pdf"))).toBe(true);
      } finally {
        stream.destroy();
      }
    }, 180_000);

    it("caches the UI's assets, keeps /metrics from the public, shows the queue dashboard to admins", async () => {
      const asset = await request("GET", "/assets/index-3f9a.js");
      expect(asset.status).toBe(200);
      expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(asset.body).toBe("console.log('ui')");
      expect((await request("GET", "/metrics")).status).toBe(403);
      const direct = await fetch(`http://127.0.0.1:${webPort}/metrics`);
      expect(direct.status).toBe(200);
      expect(await direct.text()).toMatch(
        new RegExp(`^pdfupload_jobs\\{status="done"\\} ${FILES + 1}$`, "m"),
      );
      const login = await request("POST", "/api/login", {
        headers: { "content-type": "application/json" },
        body: Buffer.from(JSON.stringify({ name: "admin", password: "admin-pass" })),
      });
      const cookie = (
        /pdfupload_session=[^;]+/.exec(String(login.headers["set-cookie"])) as RegExpExecArray
      )[0];
      const board = await request("GET", "/admin/queues/api/queues", { headers: { cookie } });
      expect(board.status).toBe(200);
      expect(JSON.parse(board.body).queues[0].name).toBe("pdfupload-jobs");
    });
  });

  it("takes a file copied in through Samba to the bureau's FTP, once", async () => {
    const smb = await startSamba(input);
    cleanups.push(() => smb.stop());
    const sheet = await writeSheet(path.join(root, "smb-src"), "3000_Samba_Vonoel.pdf", {
      pages: 1,
      marks: threeMarks({ bureau: "Vonoel" }),
      artworkText: "through samba",
    });
    await smbPut(smb, sheet, "3000_Samba_Vonoel.pdf");
    await until(
      async () =>
        (await jobRows()).some((j) => j.file_name === "3000_Samba_Vonoel.pdf" && j.status === "done"),
      120_000,
      "samba job done",
    );
    await until(() => fs.existsSync(path.join(ftp.root, "3000_Samba.pdf")), 30_000, "on the FTP");
    expect(fs.readFileSync(path.join(ftp.root, "3000_Samba.pdf"))).toEqual(fs.readFileSync(sheet));
    // A rescan or a late watcher event must not take it again.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await jobRows()).filter((j) => j.file_name === "3000_Samba_Vonoel.pdf")).toHaveLength(1);
    expect(fs.readdirSync(ftp.root).filter((f) => f.endsWith(".pdf"))).toEqual(["3000_Samba.pdf"]);
  }, 180_000);

  it("re-opens hot folders on SIGHUP, and lets a worker finish its job on SIGTERM", async () => {
    const watcher = roles.find((r) => r.name === "watch") as Role;
    const extra = path.join(data, "input-2");
    fs.writeFileSync(settingsFile, settingsYaml(["input-2"]));
    watcher.child.kill("SIGHUP");
    await until(() => fs.existsSync(extra), 20_000, "second hot folder made");
    const worker = roles.find((r) => r.name === "worker-b") as Role;
    const name = "4000_Hup_Leonov.pdf";
    await writeSheet(extra, name, { pages: 2, marks: threeMarks({ bureau: "Leonov" }), artworkText: "hup" });
    await until(
      async () => (await jobRows()).some((j) => j.file_name === name && j.status === "processing"),
      60_000,
      "taken from the new folder",
    );
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    const job = (await jobRows()).find((j) => j.file_name === name);
    expect(job?.status).toBe("done");
  }, 120_000);
});
