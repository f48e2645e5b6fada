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

/**
 * What a destination holds after a try that never recorded its end (its sender was killed). Told by
 * the final name's size (FTP SIZE / MLST / LIST, SFTP stat, folder stat; a folder also compares a
 * SHA-256), never by sending again.
 */
export interface Arrival {
  /**
   * `arrived`: the final name holds the original's size (and hash, where one is checked); `missing`,
   * `short` or `differs` (same name, other content): it must be sent again.
   */
  state: "arrived" | "missing" | "short" | "differs";
  /** How it was told, e.g. `SIZE`, `MLST`, `LIST`, `stat`, `stat+sha256`, `name only`. */
  checkedBy: string;
  remotePath: string;
  remoteBytes: number | null;
  bytes: number;
  /**
   * The killed try's temporary file: `removed` (short), `renamed` (whole: it was the transfer, only
   * the rename was missing) or `none`.
   */
  temp: "none" | "removed" | "renamed";
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
  /**
   * Looks at `remoteDir/remoteName` after an interrupted try: a final file of the original's size is
   * `arrived`; a whole temp file is renamed (then `arrived`), a short one removed. Sends nothing.
   * Throws DeliveryError.
   */
  checkArrival(local: string, remoteDir: string, remoteName: string): Promise<Arrival>;
  /** Connects, logs in and looks at the target folder; returns what it saw. Throws DeliveryError. */
  test(): Promise<string>;
  close(): Promise<void>;
}
