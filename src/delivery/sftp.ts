// SFTP with ssh2-sftp-client: password or private key, host key pinned by fingerprint.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { posix } from "node:path";
import type { SFTPWrapper } from "ssh2";
import SftpClient from "ssh2-sftp-client";
import type { Target } from "../config/settings-schema.ts";
import { classifyError, DeliveryError } from "./errors.ts";
import { parseTargetUrl, prepareUpload, type TargetUrl, tempName } from "./names.ts";
import { Serial, throwIfAborted } from "./serial.ts";
import type { Arrival, Deliverer, DeliveryReceipt, UploadOptions } from "./types.ts";

/** `SHA256:<base64 without padding>`, as `ssh-keygen -lf` prints it. */
export function hostKeyFingerprint(publicKeyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(publicKeyBlob).digest("base64").replace(/=+$/, "")}`;
}

function normaliseFingerprint(fp: string): string {
  return `SHA256:${fp
    .trim()
    .replace(/^SHA256:/i, "")
    .replace(/=+$/, "")}`;
}

export class SftpDeliverer implements Deliverer {
  readonly target: Target;
  private readonly url: TargetUrl;
  private readonly password: string;
  private client: SftpClient | null = null;
  private sftp: SFTPWrapper | null = null;
  /** Rejects when the connection goes away: raw SFTP calls pending at that moment never answer. */
  private lost: Promise<never> = new Promise<never>(() => {});
  private connected = false;
  private home = "/";
  private readonly serial = new Serial();

  constructor(target: Target) {
    this.target = target;
    this.url = parseTargetUrl(target.url);
    this.password = target.password ?? this.url.urlPassword;
  }

  private fail(err: unknown, doing: string): DeliveryError {
    return classifyError(err, `${doing} ${this.url.display}`, [
      this.password,
      this.target.privateKey,
      this.target.passphrase,
    ]);
  }

  private async connect(): Promise<SftpClient> {
    if (this.client && this.connected) return this.client;
    await this.close();
    let markLost: (err: Error) => void = () => {};
    this.lost = new Promise<never>((_, reject) => {
      markLost = reject;
    });
    this.lost.catch(() => undefined);
    const lost = (err?: unknown) => {
      this.connected = false;
      markLost(err instanceof Error ? err : new Error("connection closed by the server"));
    };
    const client = new SftpClient("pdfupload", { error: lost, end: lost, close: lost });
    this.client = client;
    let seen: string | null = null;
    const pinned = this.target.hostKey ? normaliseFingerprint(this.target.hostKey) : null;
    const timeoutMs = this.target.timeoutSec * 1000;
    try {
      this.sftp = await client.connect({
        host: this.url.host,
        port: this.url.port,
        username: this.url.user,
        ...(this.password ? { password: this.password } : {}),
        ...(this.target.privateKey ? { privateKey: this.target.privateKey } : {}),
        ...(this.target.passphrase ? { passphrase: this.target.passphrase } : {}),
        readyTimeout: timeoutMs,
        // A dead peer is noticed within about timeoutSec even in the middle of a transfer.
        keepaliveInterval: Math.max(1000, Math.floor(timeoutMs / 3)),
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer) => {
          seen = hostKeyFingerprint(key);
          return pinned !== null && seen === pinned;
        },
      });
    } catch (err) {
      this.client = null;
      await client.end().catch(() => undefined);
      if (seen !== null && pinned === null) {
        throw new DeliveryError(
          "host-key",
          `connect to ${this.url.display}: host key is not pinned; if ${seen} is the server's key, set it as the target's hostKey`,
          { transient: false, reply: seen, cause: err },
        );
      }
      if (seen !== null && seen !== pinned) {
        throw new DeliveryError(
          "host-key",
          `connect to ${this.url.display}: host key ${seen} differs from the pinned ${pinned}; refusing to send`,
          { transient: false, reply: seen, cause: err },
        );
      }
      throw this.fail(err, "login to");
    }
    this.connected = true;
    this.home = await client.realPath(".");
    return client;
  }

  private folderPath(extra: string[]): string {
    const base = this.url.folder.startsWith("/") ? this.url.folder : posix.join(this.home, this.url.folder);
    return posix.join(base, ...extra);
  }

  upload(
    local: string,
    remoteDir: string,
    remoteName: string,
    opts: UploadOptions = {},
  ): Promise<DeliveryReceipt> {
    return this.serial.run(() => this.uploadNow(local, remoteDir, remoteName, opts));
  }

  private async uploadNow(local: string, remoteDir: string, remoteName: string, opts: UploadOptions) {
    const { dir, name, bytes } = await prepareUpload(this.target, local, remoteDir, remoteName);
    throwIfAborted(opts.signal);
    const onAbort = () => {
      this.connected = false;
      void this.client?.end().catch(() => undefined);
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    let step = "connect to";
    try {
      const client = await this.connect();
      const folder = this.folderPath(dir);
      const temp = posix.join(folder, tempName(name));
      const final = posix.join(folder, name);
      step = "make folder on";
      if ((await client.exists(folder)) !== "d") await client.mkdir(folder, true);
      step = "upload to";
      await this.writeFile(local, temp);
      step = "check size on";
      const size = (await client.stat(temp)).size;
      if (size !== bytes) {
        await client.delete(temp, true).catch(() => undefined);
        throw new DeliveryError(
          "size-mismatch",
          `upload to ${this.url.display}: remote size ${size} bytes, local ${bytes} bytes`,
          {
            transient: true,
            reply: `${size} != ${bytes}`,
          },
        );
      }
      step = "rename on";
      // SFTP v3 rename refuses an existing target; "send again" must replace it.
      if (await client.exists(final)) await client.delete(final);
      await client.rename(temp, final);
      return {
        target: this.target.name,
        url: this.url.display,
        remotePath: final,
        bytes,
        reply: `${bytes} bytes written, renamed`,
      };
    } catch (err) {
      if (opts.signal?.aborted) {
        throw new DeliveryError("aborted", `upload to ${this.url.display} aborted`, {
          transient: true,
          cause: err,
        });
      }
      throw this.fail(err, step);
    } finally {
      opts.signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Writes through ssh2's SFTP calls rather than ssh2-sftp-client's put(): its write stream
   * swallows the server's status on a failed WRITE (e.g. "No space left on device").
   */
  private async writeFile(local: string, remote: string): Promise<void> {
    const sftp = this.sftp as SFTPWrapper;
    const call = <T>(op: (done: (err: Error | null | undefined, value?: T) => void) => void) =>
      Promise.race([
        new Promise<T>((resolve, reject) => op((err, value) => (err ? reject(err) : resolve(value as T)))),
        this.lost,
      ]);
    const handle = await call<Buffer>((done) => sftp.open(remote, "w", done));
    let position = 0;
    let failed: unknown = null;
    // 64 WRITEs of 32 KiB in flight, as OpenSSH's sftp does: one at a time costs a round trip each.
    const inFlight = new Set<Promise<void>>();
    try {
      for await (const chunk of createReadStream(local, { highWaterMark: 32 * 1024 })) {
        const buf = chunk as Buffer;
        const at = position;
        const p: Promise<void> = call<void>((done) =>
          sftp.write(handle, buf, 0, buf.length, at, (err) => done(err)),
        ).then(() => {
          inFlight.delete(p);
        });
        p.catch(() => undefined); // reported through race/all below
        inFlight.add(p);
        position += buf.length;
        if (inFlight.size >= 64) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    } catch (err) {
      failed = err;
      throw err;
    } finally {
      const closing = call<void>((done) => sftp.close(handle, (err) => done(err)));
      // After a failure the first error is the one that matters; a failed close then adds nothing.
      if (failed) await closing.catch(() => undefined);
      else await closing;
    }
  }

  checkArrival(local: string, remoteDir: string, remoteName: string): Promise<Arrival> {
    return this.serial.run(async () => {
      const { dir, name, bytes } = await prepareUpload(this.target, local, remoteDir, remoteName);
      let step = "connect to";
      try {
        const client = await this.connect();
        step = "check on";
        const folder = this.folderPath(dir);
        const temp = posix.join(folder, tempName(name));
        const final = posix.join(folder, name);
        // SFTP offers no hash (OpenSSH has no check-file extension): the size from stat tells.
        const size = async (p: string) =>
          (await client.exists(p)) === "-" ? (await client.stat(p)).size : null;
        let tempState: Arrival["temp"] = "none";
        const left = await size(temp);
        if (left !== null) {
          if (left === bytes && (await size(final)) === null) {
            await client.rename(temp, final);
            tempState = "renamed";
          } else {
            await client.delete(temp, true);
            tempState = "removed";
          }
        }
        const remoteBytes = await size(final);
        const state: Arrival["state"] =
          remoteBytes === null
            ? "missing"
            : remoteBytes === bytes
              ? "arrived"
              : remoteBytes < bytes
                ? "short"
                : "differs";
        return { state, checkedBy: "stat", remotePath: final, remoteBytes, bytes, temp: tempState };
      } catch (err) {
        throw this.fail(err, step);
      }
    });
  }

  test(): Promise<string> {
    return this.serial.run(async () => {
      try {
        const client = await this.connect();
        const folder = this.folderPath([]);
        const list = await client.list(folder);
        return `${this.url.display}: logged in as ${this.url.user}, host key pinned, folder ${folder} has ${list.length} entries`;
      } catch (err) {
        throw this.fail(err, "test");
      }
    });
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    this.sftp = null;
    this.connected = false;
    if (c) await c.end().catch(() => undefined);
  }
}
