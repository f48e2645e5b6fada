// Pure helpers of the delivery layer: URL conventions, transliteration, error classification.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { targetSchema } from "../config/settings-schema.ts";
import { classifyError, DeliveryError, openDeliverer, parseTargetUrl, transliterate } from "./index.ts";

describe("target URLs", () => {
  it.each([
    [
      "ftp://leonov@ctp.example/in",
      { scheme: "ftp", host: "ctp.example", port: 21, user: "leonov", folder: "in" },
    ],
    ["ftp://ctp.example:2121/%2Fsrv/ctp", { port: 2121, user: "", folder: "/srv/ctp" }],
    ["ftps://u%40shop@ctp.example/", { scheme: "ftps", user: "u@shop", folder: "" }],
    ["sftp://korol@10.0.0.5/upload/plates", { scheme: "sftp", port: 22, folder: "/upload/plates" }],
    ["sftp://korol@10.0.0.5/~/upload", { folder: "upload" }],
    ["ftp://ctp.example/%D0%92%D1%8B%D0%B2%D0%BE%D0%B4", { folder: "Вывод" }],
  ])("%s", (url, expected) => {
    expect(parseTargetUrl(url)).toMatchObject(expected);
  });

  it("display never carries a password given in the URL", () => {
    const u = parseTargetUrl("ftp://bob:hunter22@ctp.example/in");
    expect(u.urlPassword).toBe("hunter22");
    expect(u.display).toBe("ftp://bob@ctp.example/in");
  });

  it("unsupported or broken URLs are config errors", () => {
    expect(() => parseTargetUrl("http://x/")).toThrow(/not supported/);
    expect(() => parseTargetUrl("not a url")).toThrow(DeliveryError);
    expect(() => openDeliverer(targetSchema.parse({ name: "x", url: "smb://nas/share" }))).toThrow(
      /not supported/,
    );
  });
});

describe("transliteration", () => {
  it("Russian and Ukrainian to Latin, keeps ASCII, replaces the rest", () => {
    expect(transliterate("0537_Щука_Ёжик_Їжак_Ґанок №5 «x».pdf")).toBe(
      "0537_Shchuka_Yozhik_Yizhak_Ganok N5 _x_.pdf",
    );
    expect(transliterate(`Заказ "Ёлка" 'x'`)).toBe(`Zakaz "Yolka" 'x'`);
  });
});

describe("error classification", () => {
  const ftp = (code: number, message: string) => Object.assign(new Error(message), { code });
  it.each([
    [ftp(530, "530 Login incorrect."), "auth", false],
    [ftp(550, "550 Permission denied."), "permission", false],
    [ftp(553, "553 Could not create file."), "permission", false],
    [ftp(452, "452 Insufficient storage space"), "disk-full", true],
    [ftp(451, "451 Failure writing to local file."), "server", true],
    [ftp(421, "421 Too many users"), "server", true],
    [ftp(550, "550 ENOSPC: no space left on device"), "disk-full", true],
    [Object.assign(new Error("connect ECONNREFUSED 1.2.3.4:21"), { code: "ECONNREFUSED" }), "connect", true],
    [Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }), "connect", true],
    [new Error("Timeout (control socket)"), "timeout", true],
    [
      Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }),
      "tls",
      false,
    ],
    [Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" }), "permission", false],
    [Object.assign(new Error("ENOSPC: no space left"), { code: "ENOSPC" }), "disk-full", true],
    [new Error("Server sent FIN packet unexpectedly, closing connection."), "connect", true],
  ])("%s", (err, code, transient) => {
    const e = classifyError(err, "upload to ftp://x/");
    expect(e.code).toBe(code);
    expect(e.transient).toBe(transient);
    expect(e.message).toContain(err.message);
  });

  it("keeps secrets out of message and reply", () => {
    const e = classifyError(new Error("bad PASS pw-Secret-9 rejected"), "login", ["pw-Secret-9"]);
    expect(e.message).not.toContain("pw-Secret-9");
    expect(e.reply).toBe("bad PASS *** rejected");
  });
});

describe("folder target", () => {
  it("an unmounted share (missing root) is transient and nothing is created", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pdfupload-unmounted-"));
    try {
      const local = join(dir, "a.pdf");
      await writeFile(local, "x");
      const root = join(dir, "mnt", "share");
      const d = openDeliverer(targetSchema.parse({ name: "nas", url: pathToFileURL(root).href }));
      const err = await d.upload(local, "sub", "a.pdf").catch((e) => e);
      expect(err.code).toBe("connect");
      expect(err.transient).toBe(true);
      await expect(d.test()).rejects.toThrow(/not mounted/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("an aborted upload is reported as aborted", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pdfupload-abort-"));
    try {
      await writeFile(join(dir, "a.pdf"), "x");
      const d = openDeliverer(targetSchema.parse({ name: "nas", url: pathToFileURL(dir).href }));
      const ac = new AbortController();
      ac.abort();
      const err = await d.upload(join(dir, "a.pdf"), "out", "a.pdf", { signal: ac.signal }).catch((e) => e);
      expect(err).toBeInstanceOf(DeliveryError);
      expect(err.code).toBe("aborted");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
