// SFTP on an in-process ssh2 server: host key pinning, password and key auth, drops, full disk.
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Target, targetSchema } from "../config/settings-schema.ts";
import { DeliveryError, deliverFile, hostKeyFingerprint, openDeliverer } from "./index.ts";
import { type SftpTestServer, sshKeyPair, startSftpServer } from "./testing/sftp-server.ts";

let s: SftpTestServer;
let work: string;
let big: string;
const body = Buffer.alloc(1_000_000, 0x33);

beforeAll(async () => {
  s = await startSftpServer();
  work = await mkdtemp(join(tmpdir(), "pdfupload-sftp-test-"));
  big = join(work, "big.pdf");
  await writeFile(big, body);
});
afterAll(async () => {
  await s?.stop();
  await rm(work, { recursive: true, force: true });
});

const target = (extra: Partial<Target> = {}) =>
  targetSchema.parse({
    name: "sftp",
    url: `sftp://${s.user}@127.0.0.1:${s.port}/in`,
    password: s.password,
    hostKey: s.fingerprint,
    timeoutSec: 10,
    ...extra,
  });

describe("sftp", () => {
  it("fingerprint matches what ssh-keygen would print for the key", () => {
    const key = ssh2.utils.parseKey(sshKeyPair().public);
    if (key instanceof Error) throw key;
    expect(hostKeyFingerprint(key.getPublicSSH())).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it("accepts the pinned host key written with or without the SHA256: prefix", async () => {
    await deliverFile(target({ hostKey: s.fingerprint.replace("SHA256:", "") }), big, "", "a.pdf");
    expect((await readFile(join(s.root, "in/a.pdf"))).equals(body)).toBe(true);
  });

  it("refuses a different host key, permanently, and sends nothing", async () => {
    const wrong = `SHA256:${"A".repeat(43)}`;
    const err = await deliverFile(target({ hostKey: wrong }), big, "", "b.pdf").catch((e) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.code).toBe("host-key");
    expect(err.transient).toBe(false);
    expect(err.message).toContain(s.fingerprint);
    await expect(access(join(s.root, "in/b.pdf"))).rejects.toThrow();
  });

  it("refuses an unpinned host and tells the fingerprint to pin", async () => {
    const err = await openDeliverer(target({ hostKey: undefined }))
      .test()
      .catch((e) => e);
    expect(err.code).toBe("host-key");
    expect(err.reply).toBe(s.fingerprint);
  });

  it("logs in with a private key instead of a password", async () => {
    const r = await deliverFile(
      target({ password: undefined, privateKey: s.clientKey }),
      big,
      "key",
      "k.pdf",
    );
    expect(r.remotePath).toBe("/in/key/k.pdf");
    expect((await readFile(join(s.root, "in/key/k.pdf"))).equals(body)).toBe(true);
  });

  it("wrong password: permanent auth error, password not in the message", async () => {
    const err = await deliverFile(target({ password: "wrong-Sftp-Pass" }), big, "", "c.pdf").catch((e) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.code).toBe("auth");
    expect(err.transient).toBe(false);
    expect(err.reply).toMatch(/authentication methods failed/i);
    expect(JSON.stringify(err)).not.toContain("wrong-Sftp-Pass");
  });

  it("dropped mid-upload: transient, nothing under the final name; the same deliverer then succeeds", async () => {
    s.dropOnceAfterBytes = 100_000;
    const d = openDeliverer(target());
    try {
      const err = await d.upload(big, "drop", "d.pdf").catch((e) => e);
      expect(err).toBeInstanceOf(DeliveryError);
      expect(err.transient).toBe(true);
      await expect(access(join(s.root, "in/drop/d.pdf"))).rejects.toThrow();
      await d.upload(big, "drop", "d.pdf");
    } finally {
      await d.close();
    }
    expect((await readFile(join(s.root, "in/drop/d.pdf"))).equals(body)).toBe(true);
  });

  it("full disk: disk-full, transient, with the server's words", async () => {
    s.quotaBytes = 200_000;
    try {
      const err = await deliverFile(target(), big, "full", "f.pdf").catch((e) => e);
      expect(err).toBeInstanceOf(DeliveryError);
      expect(err.code).toBe("disk-full");
      expect(err.transient).toBe(true);
      expect(err.reply).toMatch(/No space left on device/);
      await expect(access(join(s.root, "in/full/f.pdf"))).rejects.toThrow();
    } finally {
      s.quotaBytes = null;
    }
  });

  it("a home-relative URL (sftp://host/~/dir) lands below the login folder", async () => {
    const r = await deliverFile(
      target({ url: `sftp://${s.user}@127.0.0.1:${s.port}/~/home-in` }),
      big,
      "",
      "h.pdf",
    );
    expect(r.remotePath).toBe("/home-in/h.pdf");
  });
});
