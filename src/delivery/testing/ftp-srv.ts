// ftp-srv in-process with a file system that can misbehave on purpose: drop the connection
// mid-upload, or run out of space. Used where vsftpd cannot be told to fail.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { FileSystem, FtpSrv } from "ftp-srv";
import { freePort } from "./net.ts";

export interface FtpSrvTest {
  port: number;
  root: string;
  user: string;
  password: string;
  /** Every name the server was asked to STOR, in order. */
  stored: string[];
  /** Drop control and data connections once, after this many bytes of the next upload. */
  dropOnceAfterBytes: number | null;
  /** Fail writes past this many bytes of one file with ENOSPC. */
  quotaBytes: number | null;
  /** Silently keep only the first half of the next upload (a broken server or disk). */
  truncateOnce: boolean;
  /** Commands the server answers with `502 Command blacklisted` (read at login). */
  blacklist: string[];
  stop(): Promise<void>;
}

const quiet = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  fatal() {},
  child() {
    return quiet;
  },
};

export async function startFtpSrv(): Promise<FtpSrvTest> {
  const root = await mkdtemp(join(tmpdir(), "pdfupload-ftpsrv-"));
  const port = await freePort();
  const pasv = 20000 + Math.floor(Math.random() * 40000);
  const state: FtpSrvTest = {
    port,
    root,
    user: "korol",
    password: "ftp-Secret-2",
    stored: [],
    dropOnceAfterBytes: null,
    quotaBytes: null,
    truncateOnce: false,
    blacklist: [],
    stop: async () => {},
  };

  class HookedFs extends FileSystem {
    override write(
      fileName: string,
      opts?: { append?: boolean; start?: unknown },
    ): { stream: Writable; clientPath: string } {
      const { stream: file, clientPath } = super.write(fileName, opts) as {
        stream: Writable;
        clientPath: string;
      };
      state.stored.push(clientPath);
      const connection = this.connection as unknown as {
        connector?: { socket?: { destroy(): void } };
        commandSocket?: { destroy(): void };
      };
      let bytes = 0;
      const truncate = state.truncateOnce;
      state.truncateOnce = false;
      const stream = new Writable({
        write(chunk: Buffer, _enc, cb) {
          bytes += chunk.length;
          if (state.quotaBytes !== null && bytes > state.quotaBytes) {
            cb(Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" }));
            return;
          }
          if (truncate && bytes > 100_000) {
            cb();
            return;
          }
          file.write(chunk, (err) => {
            if (!err && state.dropOnceAfterBytes !== null && bytes >= state.dropOnceAfterBytes) {
              state.dropOnceAfterBytes = null;
              connection.connector?.socket?.destroy();
              connection.commandSocket?.destroy();
            }
            cb(err);
          });
        },
        final(cb) {
          file.end(cb);
        },
        destroy(err, cb) {
          file.destroy();
          cb(err);
        },
      });
      return { stream, clientPath };
    }
  }

  const server = new FtpSrv({
    url: `ftp://127.0.0.1:${port}`,
    pasv_url: "127.0.0.1",
    pasv_min: pasv,
    pasv_max: pasv + 50,
    log: quiet,
    greeting: "pdfupload test server",
  });
  server.on("login", ({ connection, username, password }, resolve, reject) => {
    if (username === state.user && password === state.password) {
      resolve({ fs: new HookedFs(connection, { root, cwd: "/" }), blacklist: [...state.blacklist] });
    } else {
      reject(new Error("Login incorrect"));
    }
  });
  server.on("client-error", () => {});
  await server.listen();
  state.stop = async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  };
  return state;
}
