// file:///path — a mounted share (SMB/NFS) or a local folder.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Target } from "../config/settings-schema.ts";
import { classifyError, DeliveryError } from "./errors.ts";
import { parseTargetUrl, prepareUpload, type TargetUrl, tempName } from "./names.ts";
import { throwIfAborted } from "./serial.ts";
import type { Arrival, Deliverer, DeliveryReceipt, UploadOptions } from "./types.ts";

const sizeOf = (file: string) =>
  stat(file).then(
    (s) => s.size,
    () => null,
  );

async function sha256(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
}

export class FolderDeliverer implements Deliverer {
  readonly target: Target;
  private readonly url: TargetUrl;

  constructor(target: Target) {
    this.target = target;
    this.url = parseTargetUrl(target.url);
  }

  /** The share's root must exist: creating it would write onto the local disk under an unmounted mount point. */
  private async checkRoot(): Promise<void> {
    const root = this.url.folder;
    const st = await stat(root).catch(() => null);
    if (!st?.isDirectory()) {
      throw new DeliveryError(
        "connect",
        `folder ${root} does not exist or is not a folder (share not mounted?)`,
        {
          transient: true,
        },
      );
    }
  }

  async upload(
    local: string,
    remoteDir: string,
    remoteName: string,
    opts: UploadOptions = {},
  ): Promise<DeliveryReceipt> {
    const prepared = await prepareUpload(this.target, local, remoteDir, remoteName);
    const { name, bytes } = prepared;
    const dir = join(this.url.folder, ...prepared.dir);
    const final = join(dir, name);
    const temp = join(dir, tempName(name));
    throwIfAborted(opts.signal);
    await this.checkRoot();
    let step = "make folder in";
    try {
      await mkdir(dir, { recursive: true });
      step = "copy to";
      // copyFile lets the kernel copy (copy_file_range; server-side copy on NFS/SMB); the fsync puts
      // the data on the share's disk before the rename makes it visible.
      await copyFile(local, temp);
      throwIfAborted(opts.signal);
      const handle = await open(temp, "r+");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      step = "check size in";
      const size = (await stat(temp)).size;
      if (size !== bytes) {
        throw new DeliveryError(
          "size-mismatch",
          `copy to ${this.url.display}: size ${size} bytes, local ${bytes} bytes`,
          {
            transient: true,
            reply: `${size} != ${bytes}`,
          },
        );
      }
      step = "rename in";
      await rename(temp, final);
      return {
        target: this.target.name,
        url: this.url.display,
        remotePath: final,
        bytes,
        reply: `${bytes} bytes copied`,
      };
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      if (opts.signal?.aborted) {
        throw new DeliveryError("aborted", `copy to ${this.url.display} aborted`, {
          transient: true,
          cause: err,
        });
      }
      throw classifyError(err, `${step} ${this.url.display}`);
    }
  }

  async checkArrival(local: string, remoteDir: string, remoteName: string): Promise<Arrival> {
    const prepared = await prepareUpload(this.target, local, remoteDir, remoteName);
    const { name, bytes } = prepared;
    const dir = join(this.url.folder, ...prepared.dir);
    const final = join(dir, name);
    const temp = join(dir, tempName(name));
    await this.checkRoot();
    try {
      // The share is as near as the original: a hash costs one read and tells more than a size.
      const whole = async (file: string) =>
        (await sizeOf(file)) === bytes && (await sha256(file)) === (await sha256(local));
      const out = { checkedBy: "stat+sha256", remotePath: final, bytes };
      let tempState: Arrival["temp"] = "none";
      if ((await sizeOf(temp)) !== null) {
        if ((await sizeOf(final)) === null && (await whole(temp))) {
          await rename(temp, final);
          tempState = "renamed";
        } else {
          await rm(temp, { force: true });
          tempState = "removed";
        }
      }
      const remoteBytes = await sizeOf(final);
      const state: Arrival["state"] =
        remoteBytes === null
          ? "missing"
          : remoteBytes < bytes
            ? "short"
            : (await whole(final))
              ? "arrived"
              : "differs";
      return { ...out, state, remoteBytes, temp: tempState };
    } catch (err) {
      throw classifyError(err, `check ${this.url.display}`);
    }
  }

  async test(): Promise<string> {
    await this.checkRoot();
    return `${this.url.display}: folder exists`;
  }

  async close(): Promise<void> {}
}
