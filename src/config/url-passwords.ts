// A password written into a target URL (`ftp://bob:PW@host/in`) would be stored, shown and exported
// in clear with the URL. It is moved into the target's sealed `password` field instead; a password
// in the URL is the one the admin just typed, so it replaces the stored one.

function split(raw: string): { url: string; password: string } | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null; // not a URL: the delivery check reports it
  }
  if (!url.password) return null;
  let password = url.password;
  try {
    password = decodeURIComponent(password);
  } catch {
    // a bad %-escape: keep the password as written, it is still a secret
  }
  url.password = "";
  return { url: url.toString(), password };
}

/** A copy with every password taken out of target URLs and put into `password`. */
export function liftUrlPasswords<T extends { targets: { url: string; password?: string }[] }>(s: T): T {
  if (!Array.isArray(s.targets) || !s.targets.some((t) => typeof t?.url === "string" && split(t.url)))
    return s;
  const copy = structuredClone(s);
  for (const t of copy.targets) {
    const parts = typeof t?.url === "string" ? split(t.url) : null;
    if (!parts) continue;
    t.url = parts.url;
    t.password = parts.password;
  }
  return copy;
}

const SECRET_FIELD = /(?:^|\.)(?:password|privateKey|passphrase|token|secret)$/;
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^/?#@\s:]*):[^/?#@\s]*@/gi;

/** `ftp://bob:PW@host` → `ftp://bob:********@host`, for messages that quote what was sent. */
export const hideUrlPassword = (text: string) => text.replace(URL_PASSWORD, "$1:********@");

/** A value quoted in a problem report, with secrets hidden (the report reaches logs and the UI). */
export function shownValue(path: string, value: unknown): unknown {
  if (value === undefined) return value;
  if (SECRET_FIELD.test(path)) return "********";
  if (typeof value === "string") return hideUrlPassword(value);
  if (value !== null && typeof value === "object") return JSON.parse(hideUrlPassword(JSON.stringify(value)));
  return value;
}
