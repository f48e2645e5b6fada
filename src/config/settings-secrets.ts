// Which settings fields are secrets, and how they are sealed for storage, opened for use, and
// hidden from API responses.
import { isEncrypted } from "./secrets.ts";
import type { SettingsProblem } from "./settings-file.ts";
import type { Settings } from "./settings-schema.ts";

type Mapper = (value: string) => string;

function mapSecrets(s: Settings, f: Mapper): Settings {
  const copy: Settings = structuredClone(s);
  const m = (v: string | undefined) => (v === undefined || v === "" ? v : f(v));
  for (const t of copy.targets) {
    t.password = m(t.password);
    t.privateKey = m(t.privateKey);
    t.passphrase = m(t.passphrase);
  }
  const c = copy.channels;
  if (c.sms) c.sms.password = m(c.sms.password) as string;
  if (c.telegram) c.telegram.token = m(c.telegram.token) as string;
  if (c.email) c.email.password = m(c.email.password);
  if (c.webhook) c.webhook.secret = m(c.webhook.secret) as string;
  return copy;
}

export const sealSecrets = (s: Settings, seal: Mapper) => mapSecrets(s, seal);
export const openSecrets = (s: Settings, open: Mapper) => mapSecrets(s, open);
export const SECRET_MASK = "********";
export const redactSecrets = (s: Settings) => mapSecrets(s, () => SECRET_MASK);

/** Keeps stored secrets where an edited document sends back the mask (the UI never sees them). */
export function keepMaskedSecrets(edited: Settings, stored: Settings): Settings {
  const out = structuredClone(edited);
  const byName = new Map(stored.targets.map((t) => [t.name, t]));
  for (const t of out.targets) {
    const old = byName.get(t.name);
    if (t.password === SECRET_MASK) t.password = old?.password;
    if (t.privateKey === SECRET_MASK) t.privateKey = old?.privateKey;
    if (t.passphrase === SECRET_MASK) t.passphrase = old?.passphrase;
  }
  const c = out.channels;
  const o = stored.channels;
  if (c.sms?.password === SECRET_MASK) c.sms.password = o.sms?.password ?? "";
  if (c.telegram?.token === SECRET_MASK) c.telegram.token = o.telegram?.token ?? "";
  if (c.email?.password === SECRET_MASK) c.email.password = o.email?.password;
  if (c.webhook?.secret === SECRET_MASK) c.webhook.secret = o.webhook?.secret ?? "";
  return out;
}

/** Where secrets sit in a document: each target's fields, one field per notification channel. */
const TARGET_SECRETS = ["password", "privateKey", "passphrase"] as const;
const CHANNEL_SECRETS = { sms: "password", telegram: "token", email: "password", webhook: "secret" } as const;

export const FOREIGN_SECRET =
  "a secret this server can open: it was sealed with another server's secret.key. Copy that key here " +
  "(<data>/secret.key or PDFUPLOAD_SECRET_KEY), or write this secret in plain text in the file (it is " +
  "sealed on import), or remove the line and enter the secret again in the admin after the import";

/**
 * The sealed secrets of a document (not checked yet) that `canOpen` cannot open: an export from a
 * server with another secret.key. Each is named by its path so that the admin knows which to re-enter.
 */
export function foreignSecrets(input: unknown, canOpen: (sealed: string) => boolean): SettingsProblem[] {
  const out: SettingsProblem[] = [];
  const check = (path: string, v: unknown) => {
    if (typeof v === "string" && isEncrypted(v) && !canOpen(v))
      out.push({ path, value: `${v.slice(0, 12)}…`, expected: FOREIGN_SECRET, code: "foreign-secret" });
  };
  const doc = (input && typeof input === "object" ? input : {}) as Record<string, unknown>;
  const targets = Array.isArray(doc.targets) ? doc.targets : [];
  targets.forEach((t, i) => {
    for (const k of TARGET_SECRETS) check(`targets[${i}].${k}`, (t as Record<string, unknown> | null)?.[k]);
  });
  const channels = (doc.channels && typeof doc.channels === "object" ? doc.channels : {}) as Record<
    string,
    Record<string, unknown> | null
  >;
  for (const [c, k] of Object.entries(CHANNEL_SECRETS)) check(`channels.${c}.${k}`, channels[c]?.[k]);
  return out;
}
