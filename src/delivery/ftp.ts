// FTP and FTPS (explicit TLS) with basic-ftp.
import { createReadStream } from "node:fs";
import { posix } from "node:path";
import { Client, FTPError } from "basic-ftp";
import type { Target } from "../config/settings-schema.ts";
import { classifyError, DeliveryError } from "./errors.ts";
import { ActiveModeRefusedError, activeMode } from "./ftp-active.ts";
import { parseTargetUrl, prepareUpload, type TargetUrl, tempName } from "./names.ts";
import { Serial, throwIfAborted } from "./serial.ts";
import type { Arrival, Deliverer, DeliveryReceipt, UploadOptions } from "./types.ts";

/** A remote file as the server tells it: absent, present with a size, or present, size not told. */
type RemoteFile = { exists: false; by: string } | { exists: true; bytes: number | null; by: string };

const notFound = (err: unknown) => err instanceof FTPError && err.code === 550;
const unsupported = (err: unknown) => err instanceof FTPError && (err.code === 500 || err.code === 502);

/**
 * basic-ftp closes the control connection as soon as the data connection fails, so the reply
 * that says why (e.g. `452 Insufficient storage` after the server reset the data connection) is
 * lost. Here a data-socket error only ends the data socket: the transfer itself still fails
 * through its stream, and the control connection stays up long enough to hear the server.
 * (Relies on a private method of basic-ftp; the pinned version is covered by ftp.test.ts.)
 */
function keepControlOnDataError(client: Client): void {
  const ctx = client.ftp as unknown as {
    _setupDefaultErrorHandlers(socket: import("node:net").Socket, id: string): void;
    closeWithError(err: Error): void;
  };
  const original = ctx._setupDefaultErrorHandlers.bind(ctx);
  ctx._setupDefaultErrorHandlers = (socket, id) => {
    if (id !== "data socket") return original(socket, id);
    socket.once("error", () => socket.destroy());
    socket.once("timeout", () => {
      socket.destroy();
      ctx.closeWithError(new Error("Timeout (data socket)"));
    });
  };
}

export class FtpDeliverer implements Deliverer {
  readonly target: Target;
  private readonly url: TargetUrl;
  private readonly password: string;
  private client: Client | null = null;
  /** Control-connection replies as they arrive, including ones no command was waiting for. */
  private heard: { seq: number; code: number; message: string }[] = [];
  private heardSeq = 0;
  private loginDir = "/";
  private readonly serial = new Serial();

  constructor(target: Target) {
    this.target = target;
    this.url = parseTargetUrl(target.url);
    this.password = target.password ?? this.url.urlPassword;
  }

  private get secrets() {
    return [this.password, this.target.privateKey, this.target.passphrase];
  }

  private fail(err: unknown, doing: string): DeliveryError {
    if (err instanceof ActiveModeRefusedError) {
      // Retrying cannot help: the target's settings must change.
      return new DeliveryError(
        "config",
        `${doing} ${this.url.display}: the server refuses active mode (${err.replies.join("; ")}); set the target to passive`,
        { transient: false, reply: err.message, cause: err },
      );
    }
    return classifyError(err, `${doing} ${this.url.display}`, this.secrets);
  }

  private async connect(): Promise<Client> {
    if (this.client && !this.client.closed) return this.client;
    const client = new Client(this.target.timeoutSec * 1000);
    this.client = client;
    this.heard = [];
    // basic-ftp drops a reply that arrives while no command waits for it — e.g. "452 disk full"
    // landing just after the server reset the data connection. Its log hook still sees it.
    client.ftp.log = (text: string) => {
      if (!text.startsWith("< ")) return;
      for (const line of text.slice(2).split(/\r?\n/)) {
        const m = /^(\d{3}) (.*)$/.exec(line);
        if (m) this.heard.push({ seq: ++this.heardSeq, code: Number(m[1]), message: line });
      }
      if (this.heard.length > 50) this.heard.splice(0, this.heard.length - 50);
    };
    keepControlOnDataError(client);
    // basic-ftp itself speaks passive mode only (EPSV, then PASV).
    if (!this.target.passive) client.prepareTransfer = activeMode();
    try {
      await client.access({
        host: this.url.host,
        port: this.url.port,
        user: this.url.user || "anonymous",
        password: this.password || "anonymous@",
        secure: this.url.scheme === "ftps",
        secureOptions:
          this.url.scheme === "ftps"
            ? {
                rejectUnauthorized: !this.target.insecureTls,
                ...(this.target.ca ? { ca: this.target.ca } : {}),
              }
            : undefined,
      });
      this.loginDir = await client.pwd();
      return client;
    } catch (err) {
      client.close();
      throw this.fail(err, "login to");
    }
  }

  /** Goes to the target folder (plus `extra`), making what is missing; returns its path. */
  private async enterFolder(client: Client, extra: string[], create: boolean): Promise<string> {
    const base = this.url.folder;
    await client.cd(base.startsWith("/") ? "/" : this.loginDir);
    const segments = [...base.split("/").filter(Boolean), ...extra];
    if (segments.length === 0) return client.pwd();
    // ensureDir treats a leading "/" as the root; we are already where the path starts.
    if (create) await client.ensureDir(segments.join("/"));
    else for (const s of segments) await client.cd(s);
    return client.pwd();
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
    const temp = tempName(name);
    throwIfAborted(opts.signal);
    const onAbort = () => this.client?.close();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    let step = "connect to";
    try {
      const client = await this.connect();
      step = "make folder on";
      const folder = await this.enterFolder(client, dir, true);
      step = "upload to";
      const sent = await this.uploadFrom(client, local, temp);
      step = "check size on";
      const size = await this.remoteSize(client, temp);
      if (size !== null && size !== bytes) {
        await client.remove(temp).catch(() => undefined);
        throw new DeliveryError(
          "size-mismatch",
          `upload to ${this.url.display}: remote size ${size} bytes, local ${bytes} bytes`,
          { transient: true, reply: `${size} != ${bytes}` },
        );
      }
      step = "rename on";
      const renamed = await this.rename(client, temp, name);
      return {
        target: this.target.name,
        url: this.url.display,
        remotePath: posix.join(folder, name),
        bytes,
        reply: `${sent.message} / ${renamed.message}${size === null ? " / size not checked (SIZE unsupported)" : ""}`,
      };
    } catch (err) {
      if (opts.signal?.aborted) {
        throw new DeliveryError("aborted", `upload to ${this.url.display} aborted`, {
          transient: true,
          cause: err,
        });
      }
      const e = this.fail(err, step);
      // Best effort: do not leave a half-written temp file behind when the server is still talking.
      if (this.client && !this.client.closed && step === "upload to") {
        await this.client.remove(temp).catch(() => undefined);
      }
      throw e;
    } finally {
      opts.signal?.removeEventListener("abort", onAbort);
    }
  }

  /** STOR; when the data connection breaks, the server's reply (if it sends one) is the real reason. */
  private async uploadFrom(client: Client, local: string, remote: string) {
    const mark = this.heardSeq;
    try {
      return await client.uploadFrom(createReadStream(local), remote);
    } catch (err) {
      if (err instanceof FTPError || client.closed) throw err;
      // Replies come in order: once NOOP is answered, any verdict on the STOR has arrived.
      await client.send("NOOP").catch(() => undefined);
      const verdict = this.heard.find((r) => r.seq > mark && r.code >= 400);
      client.close(); // the session's state is unknown now; the next upload logs in afresh
      if (verdict) throw new FTPError({ code: verdict.code, message: verdict.message });
      throw err;
    }
  }

  private async remoteSize(client: Client, path: string): Promise<number | null> {
    try {
      return await client.size(path);
    } catch (err) {
      // 500/502: SIZE not implemented. Other refusals are real problems.
      if (err instanceof FTPError && (err.code === 500 || err.code === 502)) return null;
      throw err;
    }
  }

  private async rename(client: Client, from: string, to: string) {
    try {
      return await client.rename(from, to);
    } catch (err) {
      // Some servers refuse to rename over an existing file: "send again" must replace it.
      if (!(err instanceof FTPError) || err.code < 500) throw err;
      await client.remove(to).catch(() => undefined);
      return await client.rename(from, to);
    }
  }

  checkArrival(local: string, remoteDir: string, remoteName: string): Promise<Arrival> {
    return this.serial.run(async () => {
      const { dir, name, bytes } = await prepareUpload(this.target, local, remoteDir, remoteName);
      const temp = tempName(name);
      let step = "connect to";
      try {
        const client = await this.connect();
        step = "check on";
        let folder: string;
        try {
          folder = await this.enterFolder(client, dir, false);
        } catch (err) {
          if (!notFound(err)) throw err;
          // The folder is not there: nothing of this file is either.
          const remotePath = posix.join(this.url.folder, ...dir, name);
          return { state: "missing", checkedBy: "CWD", remotePath, remoteBytes: null, bytes, temp: "none" };
        }
        let tempState: Arrival["temp"] = "none";
        const left = await this.remoteFile(client, temp);
        if (left.exists) {
          const finalNow = await this.remoteFile(client, name);
          if (!finalNow.exists && left.bytes === bytes) {
            await client.rename(temp, name);
            tempState = "renamed";
          } else {
            await client.remove(temp);
            tempState = "removed";
          }
        }
        const f = await this.remoteFile(client, name);
        const remoteBytes = f.exists ? f.bytes : null;
        // A server that tells no size at all: the name being there is taken as arrived (a second
        // arrival is imaged as a new order; a short file is the rarer fault, and the plate shows it).
        const state: Arrival["state"] = !f.exists
          ? "missing"
          : remoteBytes === null || remoteBytes === bytes
            ? "arrived"
            : remoteBytes < bytes
              ? "short"
              : "differs";
        return {
          state,
          checkedBy: f.exists && f.bytes === null ? "name only (no SIZE, MLST or LIST size)" : f.by,
          remotePath: posix.join(folder, name),
          remoteBytes,
          bytes,
          temp: tempState,
        };
      } catch (err) {
        throw this.fail(err, step);
      }
    });
  }

  /** SIZE, else MLST, else the folder's LIST: servers offer one or more of them. */
  private async remoteFile(client: Client, name: string): Promise<RemoteFile> {
    try {
      return { exists: true, bytes: await client.size(name), by: "SIZE" };
    } catch (err) {
      if (notFound(err)) return { exists: false, by: "SIZE" };
      if (!unsupported(err)) throw err;
    }
    try {
      const r = await client.send(`MLST ${name}`);
      const m = /(?:^|;|\s)size=(\d+)/im.exec(r.message);
      return { exists: true, bytes: m ? Number(m[1]) : null, by: "MLST" };
    } catch (err) {
      if (notFound(err)) return { exists: false, by: "MLST" };
      if (!unsupported(err)) throw err;
    }
    const entry = (await client.list()).find((e) => e.name === name);
    if (!entry) return { exists: false, by: "LIST" };
    const known = Number.isFinite(entry.size) && entry.size >= 0;
    return { exists: true, bytes: known ? entry.size : null, by: "LIST" };
  }

  test(): Promise<string> {
    return this.serial.run(async () => {
      try {
        const client = await this.connect();
        const folder = await this.enterFolder(client, [], false);
        const list = await client.list();
        return `${this.url.display}: logged in as ${this.url.user || "anonymous"}, folder ${folder} has ${list.length} entries${
          this.url.scheme === "ftps" ? " (TLS)" : ""
        }`;
      } catch (err) {
        throw this.fail(err, "test");
      }
    });
  }

  async close(): Promise<void> {
    this.client?.close();
    this.client = null;
  }
}
