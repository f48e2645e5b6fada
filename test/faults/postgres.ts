// A throwaway PostgreSQL that can be stopped and started again on the same port and data (the
// shared helper in test/helpers/servers.ts removes everything on stop). Debian binaries, run as
// `postgres` when the tests run as root.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { freePort, waitForPort } from "../../src/delivery/testing/net.ts";
import { asPostgres, initPostgresCluster, postgresBinDir } from "../helpers/servers.ts";

const run = promisify(execFile);

export interface RestartablePostgres {
  url: string;
  /** Fast shutdown: every connection is cut, new ones are refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function restartablePostgres(): Promise<RestartablePostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("PostgreSQL is not installed (Debian package postgresql)");
  const { dir, data } = await initPostgresCluster(bin, "pdfupload-pgr-");
  const port = await freePort();
  let child: ChildProcess | null = null;

  const start = async () => {
    const [c, a] = asPostgres(path.join(bin, "postgres"), [
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
      "max_connections=100",
    ]);
    child = spawn(c, a, { stdio: "ignore" });
    await waitForPort(port, 300);
    const [q, qa] = asPostgres(path.join(bin, "psql"), [
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-U",
      "postgres",
      "-c",
      "select 1",
      "postgres",
    ]);
    for (let i = 0; ; i++) {
      try {
        await run(q, qa);
        return;
      } catch (e) {
        if (i > 100) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    try {
      const pid = Number(fs.readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
      if (pid > 0) process.kill(pid, "SIGINT"); // PostgreSQL's fast shutdown
    } catch {}
    const t = setTimeout(() => c.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(t);
    child = null;
  };
  await start();
  const [cc, ca] = asPostgres(path.join(bin, "createdb"), [
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    "-U",
    "postgres",
    "pdfupload",
  ]);
  await run(cc, ca);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/pdfupload`,
    stop,
    start,
    destroy: async () => {
      await stop();
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}
