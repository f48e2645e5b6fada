// An in-process SFTP server (ssh2) backed by a temp folder, for tests. Not for production.
import { timingSafeEqual } from "node:crypto";
import * as fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import ssh2 from "ssh2";
import { hostKeyFingerprint } from "../sftp.ts";

const { Server, utils } = ssh2;
const { STATUS_CODE, OPEN_MODE } = utils.sftp;

export interface SftpTestServer {
  port: number;
  root: string;
  user: string;
  password: string;
  /** OpenSSH private key the server accepts for `user`. */
  clientKey: string;
  /** `SHA256:…` of the server's host key. */
  fingerprint: string;
  /** Drop the SSH connection once, after this many bytes of the next upload. */
  dropOnceAfterBytes: number | null;
  /** Refuse writes past this many bytes per file with "No space left on device". */
  quotaBytes: number | null;
  /** Answers each WRITE this much later: slow uploads a test can interrupt. */
  writeDelayMs: number;
  stop(): Promise<void>;
}

function same(a: Buffer | string, b: Buffer | string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * An ed25519 pair ssh2 can read back. ssh2's generator drops a leading zero byte about once in 256
 * keys and then cannot parse its own key (seen as a flaky "key generation failed"): draw again.
 */
export function sshKeyPair(): { public: string; private: string } {
  for (let i = 0; i < 20; i++) {
    const k = utils.generateKeyPairSync("ed25519");
    if (!(utils.parseKey(k.public) instanceof Error) && !(utils.parseKey(k.private) instanceof Error))
      return k;
  }
  throw new Error("ssh2 could not generate a readable ed25519 key");
}

export async function startSftpServer(): Promise<SftpTestServer> {
  const root = await mkdtemp(join(tmpdir(), "pdfupload-sftp-"));
  const hostKey = sshKeyPair();
  const clientKey = sshKeyPair();
  const allowed = utils.parseKey(clientKey.public);
  const host = utils.parseKey(hostKey.public);
  if (allowed instanceof Error || host instanceof Error) throw new Error("key generation failed");
  const fingerprint = hostKeyFingerprint(host.getPublicSSH());
  const user = "bureau";
  const password = "sftp-Secret-1";

  const state: SftpTestServer = {
    port: 0,
    root,
    user,
    password,
    clientKey: clientKey.private,
    fingerprint,
    dropOnceAfterBytes: null,
    quotaBytes: null,
    writeDelayMs: 0,
    stop: async () => {},
  };

  const local = (p: string) => join(root, posix.normalize(`/${p}`));
  const attrsOf = (st: fs.Stats) => ({
    mode: st.mode,
    uid: st.uid,
    gid: st.gid,
    size: st.size,
    atime: Math.floor(st.atimeMs / 1000),
    mtime: Math.floor(st.mtimeMs / 1000),
  });
  const statusFor = (err: NodeJS.ErrnoException) =>
    err.code === "ENOENT"
      ? STATUS_CODE.NO_SUCH_FILE
      : err.code === "EACCES"
        ? STATUS_CODE.PERMISSION_DENIED
        : STATUS_CODE.FAILURE;

  const clients = new Set<ssh2.Connection>();
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    clients.add(client);
    client.on("close", () => clients.delete(client));
    client.on("authentication", (ctx) => {
      if (ctx.username !== user) return ctx.reject(["password", "publickey"]);
      if (ctx.method === "password" && same(ctx.password, password)) return ctx.accept();
      if (
        ctx.method === "publickey" &&
        ctx.key.algo === allowed.type &&
        same(ctx.key.data, allowed.getPublicSSH())
      ) {
        if (!ctx.signature) return ctx.accept(); // the client asks whether this key would do
        if (ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
      }
      ctx.reject(["password", "publickey"]);
    });
    client.on("error", () => {});
    client.on("ready", () => {
      client.on("session", (acceptSession) => {
        const session = acceptSession();
        session.on("sftp", (acceptSftp) => {
          const sftp = acceptSftp();
          // The client's EOF ends the subsystem: close our side too, or OpenSSH's sftp waits forever.
          sftp.on("end", () => sftp.end());
          const handles = new Map<number, { fd?: number; dir?: string[]; path: string; written: number }>();
          let next = 1;
          const handleOf = (h: Buffer) => handles.get(h.readUInt32BE(0));
          const newHandle = (v: { fd?: number; dir?: string[]; path: string; written: number }) => {
            const id = next++;
            handles.set(id, v);
            const b = Buffer.alloc(4);
            b.writeUInt32BE(id);
            return b;
          };
          const fail = (id: number, err: unknown) =>
            sftp.status(id, statusFor(err as NodeJS.ErrnoException), (err as Error).message);

          sftp.on("REALPATH", (id, p) => {
            const abs = posix.normalize(p.startsWith("/") ? p : `/${p}`);
            sftp.name(id, [{ filename: abs, longname: abs, attrs: {} as never }]);
          });
          const doStat = (id: number, p: string) => {
            try {
              sftp.attrs(id, attrsOf(fs.statSync(local(p))));
            } catch (err) {
              fail(id, err);
            }
          };
          sftp.on("STAT", doStat);
          sftp.on("LSTAT", doStat);
          sftp.on("FSTAT", (id, h) => {
            const f = handleOf(h);
            if (f?.fd === undefined) return sftp.status(id, STATUS_CODE.FAILURE);
            sftp.attrs(id, attrsOf(fs.fstatSync(f.fd)));
          });
          sftp.on("MKDIR", (id, p) => {
            try {
              fs.mkdirSync(local(p));
              sftp.status(id, STATUS_CODE.OK);
            } catch (err) {
              fail(id, err);
            }
          });
          sftp.on("OPEN", (id, p, flags) => {
            try {
              let mode = "r";
              if (flags & OPEN_MODE.WRITE)
                mode =
                  flags & OPEN_MODE.APPEND
                    ? "a"
                    : flags & OPEN_MODE.TRUNC || flags & OPEN_MODE.CREAT
                      ? "w"
                      : "r+";
              const fd = fs.openSync(local(p), mode);
              sftp.handle(id, newHandle({ fd, path: p, written: 0 }));
            } catch (err) {
              fail(id, err);
            }
          });
          sftp.on("WRITE", (id, h, offset, data) => {
            const f = handleOf(h);
            if (f?.fd === undefined) return sftp.status(id, STATUS_CODE.FAILURE);
            if (state.quotaBytes !== null && offset + data.length > state.quotaBytes) {
              return sftp.status(id, STATUS_CODE.FAILURE, "No space left on device");
            }
            fs.writeSync(f.fd, data, 0, data.length, offset);
            f.written += data.length;
            if (state.writeDelayMs > 0) {
              setTimeout(() => sftp.status(id, STATUS_CODE.OK), state.writeDelayMs);
              return;
            }
            if (state.dropOnceAfterBytes !== null && f.written >= state.dropOnceAfterBytes) {
              state.dropOnceAfterBytes = null;
              client.end(); // the network goes away mid-upload
              return;
            }
            sftp.status(id, STATUS_CODE.OK);
          });
          sftp.on("CLOSE", (id, h) => {
            const f = handleOf(h);
            if (f?.fd !== undefined) fs.closeSync(f.fd);
            handles.delete(h.readUInt32BE(0));
            sftp.status(id, STATUS_CODE.OK);
          });
          sftp.on("OPENDIR", (id, p) => {
            try {
              sftp.handle(id, newHandle({ dir: fs.readdirSync(local(p)), path: p, written: 0 }));
            } catch (err) {
              fail(id, err);
            }
          });
          sftp.on("READDIR", (id, h) => {
            const f = handleOf(h);
            if (!f?.dir) return sftp.status(id, STATUS_CODE.FAILURE);
            if (f.dir.length === 0) return sftp.status(id, STATUS_CODE.EOF);
            const names = f.dir.splice(0).map((n) => {
              const st = fs.statSync(join(local(f.path), n));
              return {
                filename: n,
                longname: `${st.isDirectory() ? "d" : "-"}rw-r--r-- 1 u g ${st.size} Jan 1 00:00 ${n}`,
                attrs: attrsOf(st),
              };
            });
            sftp.name(id, names);
          });
          sftp.on("REMOVE", (id, p) => {
            try {
              fs.unlinkSync(local(p));
              sftp.status(id, STATUS_CODE.OK);
            } catch (err) {
              fail(id, err);
            }
          });
          sftp.on("RENAME", (id, from, to) => {
            try {
              if (fs.existsSync(local(to)))
                throw Object.assign(new Error("target exists"), { code: "EEXIST" });
              fs.renameSync(local(from), local(to));
              sftp.status(id, STATUS_CODE.OK);
            } catch (err) {
              fail(id, err);
            }
          });
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  state.port = (server.address() as { port: number }).port;
  state.stop = async () => {
    for (const c of clients) c.end();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(root, { recursive: true, force: true });
  };
  return state;
}
