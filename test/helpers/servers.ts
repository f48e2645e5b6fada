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
function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return isRoot() ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
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
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "pdfupload-pg-"));
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
