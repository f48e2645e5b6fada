// FTP failures on real servers: the server's words kept, transient vs permanent right.
import { access, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { targetSchema } from "../config/settings-schema.ts";
import { DeliveryError, deliverFile, openDeliverer } from "./index.ts";
import { type FtpSrvTest, startFtpSrv } from "./testing/ftp-srv.ts";
import { freePort } from "./testing/net.ts";
import { startVsftpd, type Vsftpd } from "./testing/vsftpd.ts";

let work: string;
let big: string;
const bigBody = Buffer.alloc(2_000_000, 0x42);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "pdfupload-ftp-"));
  big = join(work, "big.pdf");
  await writeFile(big, bigBody);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("vsftpd", () => {
  let s: Vsftpd;
  let tls: Vsftpd;
  beforeAll(async () => {
    [s, tls] = await Promise.all([startVsftpd(), startVsftpd({ tls: true })]);
  });
  afterAll(async () => {
    await Promise.all([s?.stop(), tls?.stop()]);
  });

  it("wrong password: permanent auth error with the server's words, password never shown", async () => {
    const d = openDeliverer(
      targetSchema.parse({
        name: "leonov",
        url: `ftp://anonymous@127.0.0.1:${s.port}/`,
        password: "wrong-Password-77",
      }),
    );
    const err = await d.upload(big, "", "x.pdf").catch((e) => e);
    await d.close();
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.code).toBe("auth");
    expect(err.transient).toBe(false);
    expect(err.reply).toBe("530 Login incorrect.");
    expect(err.message).toContain("530 Login incorrect.");
    expect(JSON.stringify(err)).not.toContain("wrong-Password-77");
    expect(String(err.stack)).not.toContain("wrong-Password-77");
  });

  it("FTPS: a self-signed certificate is refused while checks are on", async () => {
    const d = openDeliverer(
      targetSchema.parse({
        name: "t",
        url: `ftps://anonymous@127.0.0.1:${tls.port}/`,
        password: tls.password,
        timeoutSec: 10,
      }),
    );
    const err = await d.test().catch((e) => e);
    await d.close();
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.code).toBe("tls");
    expect(err.transient).toBe(false);
    expect(err.reply).toMatch(/self-signed/);
  });

  it("FTPS: insecureTls accepts it and the file travels encrypted", async () => {
    const target = targetSchema.parse({
      name: "t",
      url: `ftps://anonymous@127.0.0.1:${tls.port}/tls`,
      password: tls.password,
      insecureTls: true,
      timeoutSec: 10,
    });
    const r = await deliverFile(target, big, "", "big.pdf");
    expect(r.bytes).toBe(bigBody.length);
    expect((await readFile(join(tls.root, "tls", "big.pdf"))).equals(bigBody)).toBe(true);
  });

  it("an aborted upload stops, leaves no final file, and the deliverer still works", async () => {
    const d = openDeliverer(
      targetSchema.parse({
        name: "t",
        url: `ftp://anonymous@127.0.0.1:${s.port}/abort`,
        password: s.password,
      }),
    );
    try {
      const ac = new AbortController();
      const pending = d.upload(big, "", "a.pdf", { signal: ac.signal }).catch((e) => e);
      setImmediate(() => ac.abort());
      const err = await pending;
      expect(err).toBeInstanceOf(DeliveryError);
      expect(err.code).toBe("aborted");
      await expect(access(join(s.root, "abort", "a.pdf"))).rejects.toThrow();
      await d.upload(big, "", "a.pdf");
    } finally {
      await d.close();
    }
    expect((await readFile(join(s.root, "abort", "a.pdf"))).equals(bigBody)).toBe(true);
  });

  it("plain FTP to an FTPS-only server is refused with its words", async () => {
    const d = openDeliverer(
      targetSchema.parse({
        name: "t",
        url: `ftp://anonymous@127.0.0.1:${tls.port}/`,
        password: tls.password,
      }),
    );
    const err = await d.test().catch((e) => e);
    await d.close();
    expect(err.code).toBe("auth");
    expect(err.reply).toMatch(/^530 /);
  });
});

describe("ftp-srv (misbehaving file system)", () => {
  let s: FtpSrvTest;
  beforeAll(async () => {
    s = await startFtpSrv();
  });
  afterAll(async () => {
    await s?.stop();
  });
  const target = () =>
    targetSchema.parse({
      name: "korol",
      url: `ftp://${s.user}@127.0.0.1:${s.port}/in`,
      password: s.password,
      timeoutSec: 10,
    });

  it("connection dropped mid-upload: transient, no partial file under the final name; the retry succeeds", async () => {
    s.dropOnceAfterBytes = 200_000;
    s.stored.length = 0;
    const d = openDeliverer(target());
    try {
      const err = await d.upload(big, "drop", "0537_Flier.pdf").catch((e) => e);
      expect(err).toBeInstanceOf(DeliveryError);
      expect(err.transient).toBe(true);
      expect(["connect", "timeout"]).toContain(err.code);
      expect(s.stored).toEqual(["/in/drop/.0537_Flier.pdf.part"]);
      await expect(access(join(s.root, "in/drop/0537_Flier.pdf"))).rejects.toThrow();

      // The same deliverer reconnects on its own.
      const r = await d.upload(big, "drop", "0537_Flier.pdf");
      expect(r.remotePath).toBe("/in/drop/0537_Flier.pdf");
    } finally {
      await d.close();
    }
    expect((await readFile(join(s.root, "in/drop/0537_Flier.pdf"))).equals(bigBody)).toBe(true);
    expect(await readdir(join(s.root, "in/drop"))).toEqual(["0537_Flier.pdf"]);
  });

  it("deliverFile retries a dropped upload by itself", async () => {
    s.dropOnceAfterBytes = 100_000;
    const r = await deliverFile(target(), big, "retry", "x.pdf", { attempts: 3, backoffMs: 10 });
    expect(r.bytes).toBe(bigBody.length);
    expect(s.dropOnceAfterBytes).toBeNull(); // the drop really happened
    expect((await readFile(join(s.root, "in/retry/x.pdf"))).equals(bigBody)).toBe(true);
  });

  it("full disk: disk-full, transient, with the server's words", async () => {
    s.quotaBytes = 500_000;
    try {
      const err = await deliverFile(target(), big, "full", "x.pdf").catch((e) => e);
      expect(err).toBeInstanceOf(DeliveryError);
      expect(err.code).toBe("disk-full");
      expect(err.transient).toBe(true);
      expect(err.reply).toMatch(/^550 .*no space left on device/);
      await expect(access(join(s.root, "in/full/x.pdf"))).rejects.toThrow();
    } finally {
      s.quotaBytes = null;
    }
  });

  it("a server that keeps fewer bytes than sent: size-mismatch, the file never gets its final name", async () => {
    s.truncateOnce = true;
    const err = await deliverFile(target(), big, "short", "x.pdf").catch((e) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.code).toBe("size-mismatch");
    expect(err.transient).toBe(true);
    await expect(access(join(s.root, "in/short/x.pdf"))).rejects.toThrow();
    expect(await readdir(join(s.root, "in/short"))).toEqual([]); // the short temp file was removed
  });

  it("wrong password on another server: still auth, permanent", async () => {
    const err = await deliverFile({ ...target(), password: "nope-nope" }, big, "", "x.pdf").catch((e) => e);
    expect(err.code).toBe("auth");
    expect(err.transient).toBe(false);
    expect(err.reply).toMatch(/^530 /);
  });
});

describe("FTP without a server", () => {
  it("connection refused is transient", async () => {
    const port = await freePort();
    const err = await deliverFile(
      targetSchema.parse({ name: "down", url: `ftp://u@127.0.0.1:${port}/` }),
      big,
      "",
      "x.pdf",
    ).catch((e) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.code).toBe("connect");
    expect(err.transient).toBe(true);
    expect(err.reply).toMatch(/ECONNREFUSED/);
  });

  it("active mode is refused as a configuration error", () => {
    expect(() => openDeliverer(targetSchema.parse({ name: "a", url: "ftp://h/", passive: false }))).toThrow(
      /active FTP mode/,
    );
  });
});
