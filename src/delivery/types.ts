import type { Target } from "../config/settings-schema.ts";

export interface UploadOptions {
  signal?: AbortSignal;
}

export interface DeliveryReceipt {
  /** Target name from settings. */
  target: string;
  /** Target URL without credentials. */
  url: string;
  /** Where the file now is on the server (as the server names it). */
  remotePath: string;
  bytes: number;
  /** The server's last words about this file, e.g. `226 Transfer complete. / 250 Rename successful.` */
  reply: string;
}

/** One transport (FTP, FTPS, SFTP, folder). Uploads on one deliverer run one after another. */
export interface Deliverer {
  readonly target: Target;
  /**
   * Sends `local` to `remoteDir/remoteName` under the target's folder: missing folders are made,
   * the file goes to a temporary name, its remote size is checked, then it is renamed.
   * Throws DeliveryError.
   */
  upload(
    local: string,
    remoteDir: string,
    remoteName: string,
    opts?: UploadOptions,
  ): Promise<DeliveryReceipt>;
  /** Connects, logs in and looks at the target folder; returns what it saw. Throws DeliveryError. */
  test(): Promise<string>;
  close(): Promise<void>;
}
