// Throwaway real servers on 127.0.0.1 for tests: PostgreSQL (Debian binaries, run as the
// `postgres` user when the tests run as root) and Redis. Each start makes its own temp dir and
// random port; stop() kills the server and removes everything it made.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort, waitForPort } from "../../src/delivery/testing/net.ts";

const run = promisify(execFile);

export interface TestServer {
  url: string;
  stop(): Promise<void>;
}

/** The newest Debian PostgreSQL bin folder, e.g. /usr/lib/postgresql/15/bin. */
export function postgresBinDir(): string | null {
  const base = "/usr/lib/postgresql";
  if (!fs.existsSync(base)) return null;
  const versions = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(path.join(base, v, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], "bin") : null;
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** Runs a program as `postgres` when we are root (initdb and postgres refuse to run as root). */
export function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return isRoot() ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
}

/** A temp folder PostgreSQL may write to, with a fresh cluster in `<dir>/data` (trust auth, UTF-8). */
export async function initPostgresCluster(
  bin: string,
  prefix = "pdfupload-pg-",
): Promise<{ dir: string; data: string }> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
  await fsp.chmod(dir, 0o755);
  await chownToPostgres(dir);
  const data = path.join(dir, "data");
  const [initCmd, initArgs] = asPostgres(path.join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=trust",
    "--encoding=UTF8",
    "--locale=C.UTF-8",
    "--no-sync",
  ]);
  try {
    await run(initCmd, initArgs);
  } catch (e) {
    await fsp.rm(dir, { recursive: true, force: true });
    throw e;
  }
  return { dir, data };
}

async function chownToPostgres(dir: string): Promise<void> {
  if (!isRoot()) return;
  const { stdout } = await run("id", ["-u", "postgres"]);
  const { stdout: g } = await run("id", ["-g", "postgres"]);
  fs.chownSync(dir, Number(stdout.trim()), Number(g.trim()));
}

/** Kills a child and waits for it to exit (SIGKILL after a grace period). */
async function terminate(
  child: ChildProcess,
  signal: NodeJS.Signals = "SIGTERM",
  graceMs = 5000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  const t = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(t);
}

/** A fresh PostgreSQL cluster with database `pdfupload` (trust auth on 127.0.0.1 only). */
export async function startPostgres(): Promise<TestServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("PostgreSQL is not installed (Debian package postgresql)");
  const { dir, data } = await initPostgresCluster(bin);
  const port = await freePort();
  const [pgCmd, pgArgs] = asPostgres(path.join(bin, "postgres"), [
    "-D",
    data,
    "-p",
    String(port),
    "-h",
    "127.0.0.1",
    "-k",
    dir,
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=200",
    "-c",
    "shared_buffers=32MB",
  ]);
  const child = spawn(pgCmd, pgArgs, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (b) => {
    stderr = (stderr + String(b)).slice(-4000);
  });
  const stop = async () => {
    // SIGINT to the postmaster itself is PostgreSQL's "fast" shutdown; runuser does not pass it on.
    try {
      const pid = Number(fs.readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
      if (pid > 0) process.kill(pid, "SIGINT");
    } catch {}
    await terminate(child, "SIGINT");
    await fsp.rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, 200);
    // The port answers a bit before the server accepts logins; retry createdb until it does.
    const [cCmd, cArgs] = asPostgres(path.join(bin, "createdb"), [
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-U",
      "postgres",
      "pdfupload",
    ]);
    for (let i = 0; ; i++) {
      try {
        await run(cCmd, cArgs);
        break;
      } catch (e) {
        if (i > 50) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (e) {
    await stop();
    throw new Error(`PostgreSQL did not start: ${(e as Error).message}\n${stderr}`);
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/pdfupload`, stop };
}

/** A Redis without persistence on a random port. */
export async function startRedis(): Promise<TestServer> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "pdfupload-redis-"));
  const port = await freePort();
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--daemonize",
      "no",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (b) => {
    stderr = (stderr + String(b)).slice(-4000);
  });
  const stop = async () => {
    await terminate(child, "SIGTERM");
    await fsp.rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, 200);
  } catch (e) {
    await stop();
    throw new Error(`Redis did not start: ${(e as Error).message}\n${stderr}`);
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}

/** The engines a suite runs on: the embedded default and PostgreSQL + Redis/BullMQ. */
export interface Engine {
  name: "sqlite" | "postgres";
  /** Environment for the context (DATABASE_URL, REDIS_URL); empty for the embedded default. */
  start(): Promise<{ env: Record<string, string>; stop(): Promise<void> }>;
}

export const ENGINES: Engine[] = [
  { name: "sqlite", start: async () => ({ env: {}, stop: async () => {} }) },
  {
    name: "postgres",
    start: async () => {
      const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
      return {
        env: { DATABASE_URL: pg.url, REDIS_URL: redis.url },
        stop: async () => {
          await Promise.all([pg.stop(), redis.stop()]);
        },
      };
    },
  },
];

/**
 * smbd on 127.0.0.1 on an unprivileged port, sharing `dir` as `[pdfupload]` with the share
 * section shipped in deploy/samba (its path and users adapted). Log in as `user`/`password`.
 */
export async function startSamba(
  dir: string,
): Promise<TestServer & { port: number; share: string; user: string; password: string }> {
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "pdfupload-smb-"));
  for (const d of ["private", "lock", "state", "cache", "pid", "log"]) await fsp.mkdir(path.join(tmp, d));
  const port = await freePort();
  const user = os.userInfo().username;
  const password = "smb-Test-pass1";
  const shipped = fs.readFileSync(path.resolve("deploy/samba/smb-pdfupload.conf"), "utf8");
  const share = shipped
    .replace(/^(\s*path\s*=).*$/m, `$1 ${dir}`)
    .replace(/^(\s*valid users\s*=).*$/m, `$1 ${user}`)
    .replace(/^(\s*force user\s*=).*$/m, `$1 ${user}`)
    .replace(/^(\s*force group\s*=).*$/m, `$1 ${os.userInfo().gid === 0 ? "root" : user}`);
  const conf = path.join(tmp, "smb.conf");
  await fsp.writeFile(
    conf,
    [
      "[global]",
      "   server role = standalone server",
      "   workgroup = WORKGROUP",
      "   interfaces = 127.0.0.1",
      "   bind interfaces only = yes",
      `   smb ports = ${port}`,
      "   disable netbios = yes",
      "   passdb backend = tdbsam",
      `   private dir = ${path.join(tmp, "private")}`,
      `   lock directory = ${path.join(tmp, "lock")}`,
      `   state directory = ${path.join(tmp, "state")}`,
      `   cache directory = ${path.join(tmp, "cache")}`,
      `   pid directory = ${path.join(tmp, "pid")}`,
      `   ncalrpc dir = ${path.join(tmp, "ncalrpc")}`,
      `   log file = ${path.join(tmp, "log", "smbd.log")}`,
      "   log level = 1",
      "   load printers = no",
      "   printing = bsd",
      "   printcap name = /dev/null",
      "   disable spoolss = yes",
      "   server min protocol = SMB2",
      "",
      share,
    ].join("\n"),
  );
  // The password goes on stdin twice (-s): no shell, no argument with the secret.
  await new Promise<void>((resolve, reject) => {
    const p = spawn("smbpasswd", ["-c", conf, "-a", "-s", user], { stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    p.stderr?.on("data", (b) => {
      err += String(b);
    });
    p.on("error", reject);
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`smbpasswd failed: ${err}`))));
    p.stdin?.end(`${password}\n${password}\n`);
  });
  const child = spawn(
    "smbd",
    ["--foreground", "--no-process-group", "--debug-stdout", `--configfile=${conf}`],
    {
      stdio: ["ignore", "ignore", "ignore"],
      // Its own process group: on SIGTERM smbd signals its whole group, which must not be ours.
      detached: true,
    },
  );
  const stop = async () => {
    await terminate(child, "SIGTERM");
    await fsp.rm(tmp, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, 200);
  } catch (e) {
    const log = await fsp.readFile(path.join(tmp, "log", "smbd.log"), "utf8").catch(() => "");
    await stop();
    throw new Error(`smbd did not start: ${(e as Error).message}\n${log}`);
  }
  return { url: `//127.0.0.1/pdfupload`, port, share: "pdfupload", user, password, stop };
}

/** Copies a local file into the share with smbclient (what an operator's Explorer copy does). */
export async function smbPut(
  smb: { port: number; share: string; user: string; password: string },
  local: string,
  remoteName: string,
): Promise<void> {
  // Authentication file instead of user%password on the command line.
  const auth = path.join(await fsp.mkdtemp(path.join(os.tmpdir(), "pdfupload-smbauth-")), "auth");
  await fsp.writeFile(auth, `username = ${smb.user}\npassword = ${smb.password}\n`, { mode: 0o600 });
  try {
    // smbclient's -c takes its own command language; quote the names for it (not for a shell).
    const q = (s: string) => `"${s.replace(/"/g, "")}"`;
    await run("smbclient", [
      `//127.0.0.1/${smb.share}`,
      "-p",
      String(smb.port),
      "-A",
      auth,
      "-m",
      "SMB3",
      "-c",
      `put ${q(local)} ${q(remoteName)}`,
    ]);
  } finally {
    await fsp.rm(path.dirname(auth), { recursive: true, force: true });
  }
}

/**
 * nginx as a reverse proxy with the site shipped in deploy/nginx, adapted for a test: listens on
 * a random 127.0.0.1 port with TLS (self-signed), proxies to `upstreamPort`, serves /assets from
 * `assetsDir`. Runs from a temp prefix; stop() kills it and removes the prefix.
 */
export async function startNginx(o: {
  upstreamPort: number;
  assetsDir: string;
  cert: { certFile: string; keyFile: string };
}): Promise<TestServer & { port: number }> {
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "pdfupload-nginx-"));
  await fsp.chmod(tmp, 0o755);
  const port = await freePort();
  const httpPort = await freePort();
  const shipped = fs.readFileSync(path.resolve("deploy/nginx/pdfupload.conf"), "utf8");
  const site = shipped
    .replace(/^\s*listen \[::\].*$/gm, "")
    .replace(/listen 80;/, `listen 127.0.0.1:${httpPort};`)
    .replace(/listen 443 ssl( http2)?;/, `listen 127.0.0.1:${port} ssl;`)
    .replace(/server 127\.0\.0\.1:8080;/, `server 127.0.0.1:${o.upstreamPort};`)
    .replace(/^(\s*ssl_certificate\s).*$/m, `$1${o.cert.certFile};`)
    .replace(/^(\s*ssl_certificate_key\s).*$/m, `$1${o.cert.keyFile};`)
    .replace(/\/opt\/pdfupload\/ui\/dist\/assets\//, `${o.assetsDir.replace(/\/?$/, "/")}`)
    .replace(/\/var\/log\/nginx\//g, `${tmp}/`);
  await fsp.writeFile(path.join(tmp, "site.conf"), site);
  const conf = path.join(tmp, "nginx.conf");
  await fsp.writeFile(
    conf,
    [
      isRoot() ? "user root;" : "",
      "worker_processes 1;",
      "daemon off;",
      `pid ${tmp}/nginx.pid;`,
      `error_log ${tmp}/error.log warn;`,
      "events { worker_connections 256; }",
      "http {",
      "  include /etc/nginx/mime.types;",
      "  default_type application/octet-stream;",
      `  client_body_temp_path ${tmp}/body;`,
      `  proxy_temp_path ${tmp}/proxy;`,
      `  fastcgi_temp_path ${tmp}/fastcgi;`,
      `  uwsgi_temp_path ${tmp}/uwsgi;`,
      `  scgi_temp_path ${tmp}/scgi;`,
      `  include ${tmp}/site.conf;`,
      "}",
      "",
    ].join("\n"),
  );
  const child = spawn("nginx", ["-p", tmp, "-c", conf, "-e", `${tmp}/error.log`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (b) => {
    stderr = (stderr + String(b)).slice(-4000);
  });
  const stop = async () => {
    await terminate(child, "SIGQUIT");
    await fsp.rm(tmp, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, 200);
  } catch (e) {
    const log = await fsp.readFile(path.join(tmp, "error.log"), "utf8").catch(() => "");
    await stop();
    throw new Error(`nginx did not start: ${(e as Error).message}\n${stderr}\n${log}`);
  }
  return { url: `https://127.0.0.1:${port}`, port, stop };
}
