// Remote names and paths: what a deliverer may create on a server, and how.
import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { byteLength, NAME_MAX_BYTES, wrapName } from "../util/name-bytes.ts";
import { DeliveryError } from "./errors.ts";

const CYRILLIC: Record<string, string> = {
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  ґ: "g",
  д: "d",
  е: "e",
  ё: "yo",
  є: "ye",
  ж: "zh",
  з: "z",
  и: "i",
  і: "i",
  ї: "yi",
  й: "y",
  к: "k",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ф: "f",
  х: "kh",
  ц: "ts",
  ч: "ch",
  ш: "sh",
  щ: "shch",
  ъ: "",
  ы: "y",
  ь: "",
  э: "e",
  ю: "yu",
  я: "ya",
  "№": "N",
};

/**
 * Russian and Ukrainian letters to Latin, for servers that mangle UTF-8 names.
 * Anything else outside printable ASCII becomes `_`, since such servers mangle that too.
 */
export function transliterate(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFC")) {
    const lower = ch.toLowerCase();
    const latin = CYRILLIC[lower];
    if (latin !== undefined) {
      out += ch !== lower && latin ? latin[0].toUpperCase() + latin.slice(1) : latin;
    } else if (/[\x20-\x7e]/.test(ch)) {
      out += ch;
    } else {
      out += "_";
    }
  }
  return out;
}

/** The name a file has while it is being written: hidden from hot-folder watchers and `*.pdf` filters. */
export function tempName(remoteName: string): string {
  // A name at the 255-byte limit has no room for the dots: cut, with a hash of the whole name.
  return wrapName(".", remoteName, ".part");
}

const hasControl = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c === "\u007f");

function badPath(message: string): DeliveryError {
  return new DeliveryError("bad-path", message, { transient: false });
}

/** Folder below the target's folder, as segments; `..` or control characters are refused. */
export function remoteDirSegments(remoteDir: string): string[] {
  const segments = remoteDir.split(/[/\\]+/).filter((s) => s !== "" && s !== ".");
  for (const s of segments) {
    if (s === "..") throw badPath(`remote folder "${remoteDir}" must not contain ".."`);
    if (hasControl(s)) throw badPath(`remote folder "${remoteDir}" contains control characters`);
  }
  return segments;
}

export function checkRemoteName(remoteName: string): string {
  if (remoteName === "" || remoteName === "." || remoteName === "..") {
    throw badPath(`remote file name "${remoteName}" is not a file name`);
  }
  if (/[/\\]/.test(remoteName) || hasControl(remoteName)) {
    throw badPath(`remote file name "${remoteName}" contains a path separator or control characters`);
  }
  if (byteLength(remoteName) > NAME_MAX_BYTES)
    throw badPath(`remote file name "${remoteName}" is longer than ${NAME_MAX_BYTES} bytes`);
  return remoteName;
}

export interface TargetUrl {
  scheme: "ftp" | "ftps" | "sftp" | "file";
  host: string;
  port: number;
  user: string;
  /** Password given inside the URL (discouraged: use the target's password field). */
  urlPassword: string;
  /** The target folder. FTP: relative to the login folder unless it starts with `/`. */
  folder: string;
  /** The URL without credentials, for messages and receipts. */
  display: string;
}

const DEFAULT_PORTS = { ftp: 21, ftps: 21, sftp: 22, file: 0 } as const;

/**
 * Parses a target URL. Folder conventions follow curl: `ftp://host/in` is `in` below the
 * login folder and `ftp://host/%2Fsrv/in` is `/srv/in`; `sftp://host/srv/in` is absolute and
 * `sftp://host/~/in` is below the home folder.
 */
export function parseTargetUrl(raw: string): TargetUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DeliveryError(
      "config",
      "target URL is not a URL (expected ftp://, ftps://, sftp:// or file:///)",
      {
        transient: false,
      },
    );
  }
  const scheme = url.protocol.replace(/:$/, "");
  if (scheme !== "ftp" && scheme !== "ftps" && scheme !== "sftp" && scheme !== "file") {
    throw new DeliveryError(
      "config",
      `target URL scheme "${scheme}:" is not supported (ftp, ftps, sftp, file)`,
      {
        transient: false,
      },
    );
  }
  const display = `${scheme}://${url.username ? `${url.username}@` : ""}${url.host}${url.pathname}`;
  if (scheme === "file") {
    return { scheme, host: "", port: 0, user: "", urlPassword: "", folder: fileURLToPath(url), display };
  }
  if (!url.hostname)
    throw new DeliveryError("config", `target URL ${display} has no host`, { transient: false });
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new DeliveryError("config", `target URL ${display} has a bad %-escape`, { transient: false });
    }
  };
  const rawSegments = url.pathname.split("/").slice(1);
  let folder: string;
  if (scheme === "sftp") {
    const segs = rawSegments.map(decode).filter((s) => s !== "");
    folder = segs[0] === "~" ? segs.slice(1).join("/") : `/${segs.join("/")}`;
  } else {
    const decoded = rawSegments.map(decode);
    // `%2F` as the first segment means the server's root.
    const absolute = decoded[0]?.startsWith("/") ?? false;
    const segs = decoded
      .join("/")
      .split("/")
      .filter((s) => s !== "");
    folder = (absolute ? "/" : "") + segs.join("/");
  }
  return {
    scheme,
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : DEFAULT_PORTS[scheme],
    user: decode(url.username),
    urlPassword: decode(url.password),
    folder,
    display,
  };
}

/**
 * What every transport does first: the remote folder segments and file name (checked, transliterated
 * when the target asks), and the local file's size (a missing file is a permanent `local-file` error).
 */
export async function prepareUpload(
  target: { transliterate: boolean },
  local: string,
  remoteDir: string,
  remoteName: string,
): Promise<{ dir: string[]; name: string; bytes: number }> {
  const translit = target.transliterate ? transliterate : (s: string) => s;
  const dir = remoteDirSegments(remoteDir).map(translit);
  const name = checkRemoteName(translit(remoteName));
  try {
    return { dir, name, bytes: (await stat(local)).size };
  } catch (err) {
    throw new DeliveryError("local-file", `cannot read ${local}: ${(err as Error).message}`, {
      transient: false,
      cause: err,
    });
  }
}
