// Which settings fields are secrets, and how they are sealed for storage, opened for use, and
// hidden from API responses.
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
