// Delivery: one transport per URL scheme behind the Deliverer interface.
import type { Target } from "../config/settings-schema.ts";
import { DeliveryError } from "./errors.ts";
import { FolderDeliverer } from "./folder.ts";
import { FtpDeliverer } from "./ftp.ts";
import { parseTargetUrl } from "./names.ts";
import { SftpDeliverer } from "./sftp.ts";
import type { Deliverer, DeliveryReceipt, UploadOptions } from "./types.ts";

export { classifyError, DeliveryError, type DeliveryErrorCode } from "./errors.ts";
export { parseTargetUrl, transliterate } from "./names.ts";
export { hostKeyFingerprint } from "./sftp.ts";
export type { Deliverer, DeliveryReceipt, UploadOptions } from "./types.ts";

/** Chooses the transport by URL scheme. Throws DeliveryError `config` for a target that cannot work. */
export function openDeliverer(target: Target): Deliverer {
  const { scheme } = parseTargetUrl(target.url);
  switch (scheme) {
    case "ftp":
    case "ftps":
      return new FtpDeliverer(target);
    case "sftp":
      return new SftpDeliverer(target);
    case "file":
      return new FolderDeliverer(target);
  }
}

export interface DeliverOptions extends UploadOptions {
  /** Attempts within this call (transient errors only). The pipeline's own backoff spans hours. */
  attempts?: number;
  /** Wait before attempt n+1: backoffMs × 2^(n-1). */
  backoffMs?: number;
}

/** Opens, uploads (retrying transient failures on a fresh connection), closes. */
export async function deliverFile(
  target: Target,
  local: string,
  remoteDir: string,
  remoteName: string,
  opts: DeliverOptions = {},
): Promise<DeliveryReceipt> {
  const attempts = Math.max(1, opts.attempts ?? 1);
  const deliverer = openDeliverer(target);
  try {
    for (let n = 1; ; n++) {
      try {
        return await deliverer.upload(local, remoteDir, remoteName, { signal: opts.signal });
      } catch (err) {
        if (!(err instanceof DeliveryError) || !err.transient || n >= attempts || opts.signal?.aborted)
          throw err;
        await deliverer.close();
        await new Promise((r) => setTimeout(r, (opts.backoffMs ?? 1000) * 2 ** (n - 1)));
      }
    }
  } finally {
    await deliverer.close();
  }
}
