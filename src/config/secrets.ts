// Secrets (FTP passwords, API tokens) are encrypted at rest with AES-256-GCM. The key comes from
// PDFUPLOAD_SECRET_KEY (base64, 32 bytes) or a key file created on first start (mode 0600).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const PREFIX = "enc:v1:";

export function loadOrCreateKey(keyFile: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  if (env.PDFUPLOAD_SECRET_KEY) {
    const key = Buffer.from(env.PDFUPLOAD_SECRET_KEY, "base64");
    if (key.length !== 32) throw new Error("PDFUPLOAD_SECRET_KEY must be 32 bytes, base64-encoded");
    return key;
  }
  try {
    return Buffer.from(fs.readFileSync(keyFile, "utf8").trim(), "base64");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  fs.mkdirSync(path.dirname(keyFile), { recursive: true });
  const key = crypto.randomBytes(32);
  // wx: two processes starting together must not overwrite each other's key.
  try {
    fs.writeFileSync(keyFile, key.toString("base64"), { mode: 0o600, flag: "wx" });
    return key;
  } catch {
    return Buffer.from(fs.readFileSync(keyFile, "utf8").trim(), "base64");
  }
}

export function isEncrypted(value: string): boolean {
  return value.startsWith(PREFIX);
}

export function encryptSecret(key: Buffer, plain: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

export function decryptSecret(key: Buffer, stored: string): string {
  if (!isEncrypted(stored)) return stored;
  const raw = Buffer.from(stored.slice(PREFIX.length), "base64");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}
