// One error type for every transport, so the pipeline decides "retry later" vs "give up"
// without knowing FTP reply codes or errno names. `reply` keeps the server's own words.

export type DeliveryErrorCode =
  | "config" // the target itself is wrong (bad URL, unsupported option)
  | "local-file" // the file to send could not be read here
  | "bad-path" // remote folder/name would escape the target folder
  | "connect" // refused, reset, dropped, share not mounted
  | "timeout"
  | "tls" // certificate rejected
  | "host-key" // SFTP host key not pinned or different from the pinned one
  | "auth" // login refused
  | "permission" // server refused the file or folder
  | "disk-full"
  | "size-mismatch" // remote size after upload differs from the local file
  | "aborted"
  | "server"; // any other server refusal

export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  readonly code: DeliveryErrorCode;
  /** Worth retrying later (the target may be down for an hour). */
  readonly transient: boolean;
  /** The server's words, e.g. `530 Login incorrect.` or `ECONNRESET: read ECONNRESET`. */
  readonly reply: string;

  constructor(
    code: DeliveryErrorCode,
    message: string,
    opts: { transient: boolean; reply?: string; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.transient = opts.transient;
    this.reply = opts.reply ?? "";
  }

  toJSON() {
    return { code: this.code, transient: this.transient, message: this.message, reply: this.reply };
  }
}

/** Replaces every secret in a text; servers and libraries sometimes echo what they were sent. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 3) out = out.split(s).join("***");
  return out;
}

const TRANSIENT_ERRNO = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ENOTCONN",
  "ESTALE",
  "EIO",
  "EBUSY",
]);
const TIMEOUT_ERRNO = new Set(["ETIMEDOUT", "ETIMEOUT", "ABORT_ERR_TIMEOUT"]);
const DISK_FULL_ERRNO = new Set(["ENOSPC", "EDQUOT", "EFBIG"]);
const PERMISSION_ERRNO = new Set(["EACCES", "EPERM", "EROFS"]);
const DISK_FULL_WORDS = /no space|disk full|quota|insufficient storage|exceeded storage/i;
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

function errText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

function errCode(err: unknown): string | number | undefined {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === "string" || typeof c === "number" ? c : undefined;
}

/**
 * Classifies any error a transport library threw. `where` says what we were doing
 * (e.g. `upload to ftp://bureau.example/in`), never with credentials.
 */
export function classifyError(
  err: unknown,
  where: string,
  secrets: readonly (string | undefined)[] = [],
): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const code = errCode(err);
  const text = redact(errText(err), secrets);
  const reply = code !== undefined && !text.startsWith(String(code)) ? `${code}: ${text}` : text;
  const make = (c: DeliveryErrorCode, transient: boolean) =>
    new DeliveryError(c, `${where}: ${reply}`, { transient, reply, cause: err });

  // FTP replies: basic-ftp puts the numeric reply code on the error.
  if (typeof code === "number" && code >= 400 && code < 600) {
    if (code === 452 || code === 552 || DISK_FULL_WORDS.test(text)) return make("disk-full", true);
    if (code < 500) return make("server", true);
    if (code === 530 || code === 331 || code === 332) return make("auth", false);
    if (code === 550 || code === 553 || code === 532 || code === 450) return make("permission", false);
    return make("server", false);
  }
  if (typeof code === "string") {
    if (DISK_FULL_ERRNO.has(code)) return make("disk-full", true);
    if (PERMISSION_ERRNO.has(code)) return make("permission", false);
    if (TIMEOUT_ERRNO.has(code)) return make("timeout", true);
    if (TRANSIENT_ERRNO.has(code)) return make("connect", true);
    if (TLS_CODE.test(code)) return make("tls", false);
    if (code === "ABORT_ERR") return make("aborted", true);
  }
  if ((err as { name?: string })?.name === "TimeoutError") return make("timeout", true);
  if ((err as { name?: string })?.name === "AbortError") return make("aborted", true);
  if (DISK_FULL_WORDS.test(text)) return make("disk-full", true);
  if (/authentication methods failed|login incorrect|auth.*fail/i.test(text)) return make("auth", false);
  if (/permission denied/i.test(text)) return make("permission", false);
  if (/timeout|timed out/i.test(text)) return make("timeout", true);
  // Anything else (dropped connection, unexpected close, FIN) is most likely the network:
  // retrying costs little, giving up on a job that would have gone through costs a plate run.
  return make("connect", true);
}
