// FTP failures on real servers: the server's words kept, transient vs permanent right.
import { access, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
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
});

/**
 * Listening sockets of this process: an active-mode listener left open would show up here.
 * A closed server's handle goes away on the next turn of the event loop.
 */
async function listeners(): Promise<number> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  return process.getActiveResourcesInfo().filter((r) => r === "TCPServerWrap").length;
}

describe("active mode (PORT/EPRT)", () => {
  let ftp: Vsftpd;
  let ftps: Vsftpd;
  let passiveOnly: Vsftpd;
  beforeAll(async () => {
    [ftp, ftps, passiveOnly] = await Promise.all([
      startVsftpd({ dataMode: "active", log: true }),
      startVsftpd({ dataMode: "active", log: true, tls: true, requireSslReuse: true }),
      startVsftpd({ dataMode: "passive" }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([ftp?.stop(), ftps?.stop(), passiveOnly?.stop()]);
  });

  const name = "0540_Заказ Ёлка №7.pdf";
  for (const secure of [false, true]) {
    it(`${secure ? "FTPS" : "FTP"}: a Cyrillic name arrives whole, through a temp name, size checked, no passive command`, async () => {
      const s = secure ? ftps : ftp;
      const target = targetSchema.parse({
        name: "active",
        url: `${secure ? "ftps" : "ftp"}://anonymous@127.0.0.1:${s.port}/Активный`,
        password: s.password,
        passive: false,
        timeoutSec: 10,
        ...(secure ? { ca: s.cert } : {}),
      });
      const before = await listeners();
      const d = openDeliverer(target);
      try {
        const r = await d.upload(big, "Папка", name);
        expect(r.bytes).toBe(bigBody.length);
        expect(r.reply).toBe("226 Transfer complete. / 250 Rename successful.");
        expect(await d.test()).toMatch(secure ? /has 1 entries \(TLS\)$/ : /has 1 entries$/);
      } finally {
        await d.close();
      }
      expect(await listeners()).toBe(before);
      expect((await readFile(join(s.root, "Активный", "Папка", name))).equals(bigBody)).toBe(true);
      expect(await readdir(join(s.root, "Активный", "Папка"))).toEqual([name]);
      // vsftpd logs non-ASCII bytes as "?": the verbs and the temp-name shape are what matter.
      const data = (await s.commands()).filter((c) =>
        /^(EPRT|PORT|EPSV|PASV|STOR|SIZE|RNFR|RNTO|LIST)/.test(c),
      );
      expect(data.map((c) => c.split(" ")[0])).toEqual([
        "EPRT",
        "STOR",
        "SIZE",
        "RNFR",
        "RNTO",
        "EPRT",
        "LIST",
      ]);
      expect(data[0]).toMatch(/^EPRT \|1\|127\.0\.0\.1\|\d+\|$/);
      expect(data[1]).toMatch(/^STOR \..*\.pdf\.part$/);
      expect(data[2]).toBe(data[1]?.replace("STOR", "SIZE"));
    });
  }

  it("a server that refuses PORT and EPRT: permanent config error with the server's words, listener closed", async () => {
    const before = await listeners();
    const d = openDeliverer(
      targetSchema.parse({
        name: "a",
        url: `ftp://anonymous@127.0.0.1:${passiveOnly.port}/`,
        password: passiveOnly.password,
        passive: false,
        timeoutSec: 10,
      }),
    );
    try {
      for (const err of [await d.upload(big, "", "x.pdf").catch((e) => e), await d.test().catch((e) => e)]) {
        expect(err).toBeInstanceOf(DeliveryError);
        expect(err.code).toBe("config");
        expect(err.transient).toBe(false);
        expect(err.reply).toBe("550 Permission denied.");
        expect(err.message).toContain(
          "refuses active mode (EPRT: 550 Permission denied.; PORT: 550 Permission denied.)",
        );
      }
    } finally {
      await d.close();
    }
    expect(await listeners()).toBe(before);
    expect(await readdir(passiveOnly.root)).toEqual([]);
  });
});

describe("active mode on ftp-srv (EPRT and passive blacklisted)", () => {
  let s: FtpSrvTest;
  beforeAll(async () => {
    s = await startFtpSrv();
    s.blacklist = ["EPRT", "EPSV", "PASV"];
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("falls back to PORT and delivers; the server connecting before STOR is fine too", async () => {
    // ftp-srv opens the data connection as soon as PORT arrives, vsftpd only after STOR.
    const d = openDeliverer(
      targetSchema.parse({
        name: "korol",
        url: `ftp://${s.user}@127.0.0.1:${s.port}/in`,
        password: s.password,
        passive: false,
        timeoutSec: 10,
      }),
    );
    try {
      await d.upload(big, "port", "Заказ.pdf");
      await d.upload(big, "port", "второй.pdf"); // PORT remembered
      expect(await d.test()).toMatch(/folder \/in has 1 entries$/); // LIST over PORT: the folder "port"
    } finally {
      await d.close();
    }
    expect(s.stored).toEqual(["/in/port/.Заказ.pdf.part", "/in/port/.второй.pdf.part"]);
    expect((await readFile(join(s.root, "in/port/Заказ.pdf"))).equals(bigBody)).toBe(true);
    expect((await readFile(join(s.root, "in/port/второй.pdf"))).equals(bigBody)).toBe(true);
  });
});

/**
 * An FTP server that accepts EPRT but never opens the data connection; instead a stranger on
 * 127.0.0.2 connects to the announced port and waits for data.
 */
async function startNoShowServer() {
  const stranger = { connected: false, closed: false, bytes: 0 };
  const server = createServer((c) => {
    c.setEncoding("utf8");
    c.on("error", () => {});
    const reply = (line: string) => c.write(`${line}\r\n`);
    reply("220 no-show test server");
    let buf = "";
    c.on("data", (chunk: string) => {
      buf += chunk;
      for (let i = buf.indexOf("\r\n"); i >= 0; i = buf.indexOf("\r\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const verb = (line.split(" ")[0] ?? "").toUpperCase();
        if (verb === "USER") reply("331 Password please.");
        else if (verb === "PASS") reply("230 Logged in.");
        else if (verb === "PWD") reply('257 "/"');
        else if (verb === "FEAT") reply("211 No features.");
        else if (verb === "EPRT") {
          const [, , host, port] = line.split("|");
          const s = connect({ host: host as string, port: Number(port), localAddress: "127.0.0.2" });
          s.on("connect", () => {
            stranger.connected = true;
          });
          s.on("data", (d: Buffer) => {
            stranger.bytes += d.length;
          });
          s.on("close", () => {
            stranger.closed = true;
          });
          s.on("error", () => {});
          reply("200 EPRT command successful.");
        } else if (verb === "STOR") {
          // Silence: neither a data connection nor a reply.
        } else if (verb === "QUIT") c.end("221 Bye.\r\n");
        else reply("200 OK.");
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as { port: number }).port,
    stranger,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("active mode, the server never connects", () => {
  it("a stranger's connection is refused; the target's timeout ends the wait and closes the listener", async () => {
    const s = await startNoShowServer();
    try {
      const before = await listeners();
      const err = await deliverFile(
        targetSchema.parse({ name: "t", url: `ftp://u@127.0.0.1:${s.port}/`, passive: false, timeoutSec: 2 }),
        big,
        "",
        "x.pdf",
      ).catch((e) => e);
      expect(err).toBeInstanceOf(DeliveryError);
      expect(err.code).toBe("timeout");
      expect(err.transient).toBe(true);
      expect(err.reply).toMatch(/active-mode data connection/);
      expect(await listeners()).toBe(before);
      expect(s.stranger).toEqual({ connected: true, closed: true, bytes: 0 });
    } finally {
      await s.stop();
    }
  });
});
