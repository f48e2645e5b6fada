// One contract, run against every transport on real servers on 127.0.0.1.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Target, targetSchema } from "../config/settings-schema.ts";
import { DeliveryError, openDeliverer } from "./index.ts";
import { startSftpServer } from "./testing/sftp-server.ts";
import { startVsftpd } from "./testing/vsftpd.ts";

interface Backend {
  /** Target whose folder is `in` on the server. */
  target(extra?: Partial<Target>): Target;
  /** Local path of `in/<rel>` on the server's disk. */
  onServer(rel: string): string;
  stop(): Promise<void>;
}

const backends: Record<string, () => Promise<Backend>> = {
  "ftp (vsftpd)": async () => {
    const s = await startVsftpd();
    return {
      target: (extra) =>
        targetSchema.parse({
          name: "ftp",
          url: `ftp://anonymous@127.0.0.1:${s.port}/in`,
          password: s.password,
          timeoutSec: 10,
          ...extra,
        }),
      onServer: (rel) => join(s.root, "in", rel),
      stop: s.stop,
    };
  },
  "ftps (vsftpd, self-signed cert trusted via ca)": async () => {
    const s = await startVsftpd({ tls: true });
    return {
      target: (extra) =>
        targetSchema.parse({
          name: "ftps",
          url: `ftps://anonymous@127.0.0.1:${s.port}/in`,
          password: s.password,
          ca: s.cert,
          timeoutSec: 10,
          ...extra,
        }),
      onServer: (rel) => join(s.root, "in", rel),
      stop: s.stop,
    };
  },
  "ftp active mode (vsftpd, PORT/EPRT only)": async () => {
    const s = await startVsftpd({ dataMode: "active" });
    return {
      target: (extra) =>
        targetSchema.parse({
          name: "ftp-active",
          url: `ftp://anonymous@127.0.0.1:${s.port}/in`,
          password: s.password,
          passive: false,
          timeoutSec: 10,
          ...extra,
        }),
      onServer: (rel) => join(s.root, "in", rel),
      stop: s.stop,
    };
  },
  "ftps active mode (vsftpd, PORT/EPRT only, TLS session reuse required)": async () => {
    const s = await startVsftpd({ dataMode: "active", tls: true, requireSslReuse: true });
    return {
      target: (extra) =>
        targetSchema.parse({
          name: "ftps-active",
          url: `ftps://anonymous@127.0.0.1:${s.port}/in`,
          password: s.password,
          ca: s.cert,
          passive: false,
          timeoutSec: 10,
          ...extra,
        }),
      onServer: (rel) => join(s.root, "in", rel),
      stop: s.stop,
    };
  },
  "sftp (ssh2 server)": async () => {
    const s = await startSftpServer();
    return {
      target: (extra) =>
        targetSchema.parse({
          name: "sftp",
          url: `sftp://${s.user}@127.0.0.1:${s.port}/in`,
          password: s.password,
          hostKey: s.fingerprint,
          timeoutSec: 10,
          ...extra,
        }),
      onServer: (rel) => join(s.root, "in", rel),
      stop: s.stop,
    };
  },
  "file:// folder": async () => {
    const root = await mkdtemp(join(tmpdir(), "pdfupload-share-"));
    await mkdir(join(root, "in"));
    return {
      target: (extra) =>
        targetSchema.parse({ name: "share", url: pathToFileURL(join(root, "in")).href, ...extra }),
      onServer: (rel) => join(root, "in", rel),
      stop: () => rm(root, { recursive: true, force: true }),
    };
  },
};

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "pdfupload-delivery-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function localFile(name: string, content: Buffer | string): Promise<string> {
  const p = join(work, name);
  await writeFile(p, content);
  return p;
}

for (const [label, start] of Object.entries(backends)) {
  describe(`deliverer contract: ${label}`, () => {
    let b: Backend;
    beforeAll(async () => {
      b = await start();
    });
    afterAll(async () => {
      await b?.stop();
    });

    it("makes missing folders and delivers the exact bytes under the final name", async () => {
      const body = Buffer.alloc(300_000);
      for (let i = 0; i < body.length; i++) body[i] = (i * 7919) % 251;
      const local = await localFile("sheet.pdf", body);
      const d = openDeliverer(b.target());
      try {
        const r = await d.upload(local, "_1030x770/2025", "0537_Technoyug_Flier.pdf");
        expect(r.bytes).toBe(body.length);
        expect(r.remotePath).toMatch(/_1030x770\/2025\/0537_Technoyug_Flier\.pdf$/);
        expect(r.reply).not.toBe("");
      } finally {
        await d.close();
      }
      expect((await readFile(b.onServer("_1030x770/2025/0537_Technoyug_Flier.pdf"))).equals(body)).toBe(true);
      // Nothing left under a temporary name.
      expect(await readdir(b.onServer("_1030x770/2025"))).toEqual(["0537_Technoyug_Flier.pdf"]);
    });

    it("keeps a name with Cyrillic, quotes and spaces intact", async () => {
      const name = `0538_Заказ "Ёлка" 'Весна' №5.pdf`;
      const local = await localFile("cyr.pdf", "%PDF-1.7 кириллица");
      const d = openDeliverer(b.target());
      try {
        await d.upload(local, "Папка Леонова", name);
      } finally {
        await d.close();
      }
      expect(await readFile(b.onServer(`Папка Леонова/${name}`), "utf8")).toBe("%PDF-1.7 кириллица");
    });

    it("transliterates folder and name when the target asks for it", async () => {
      const local = await localFile("tr.pdf", "x");
      const d = openDeliverer(b.target({ transliterate: true }));
      try {
        const r = await d.upload(local, "Заказы", "0539_Щука_Ёж.pdf");
        expect(r.remotePath).toMatch(/Zakazy\/0539_Shchuka_Yozh\.pdf$/);
      } finally {
        await d.close();
      }
      expect(await readdir(b.onServer("Zakazy"))).toEqual(["0539_Shchuka_Yozh.pdf"]);
    });

    it("send again replaces the file, on the same connection", async () => {
      const d = openDeliverer(b.target());
      try {
        await d.upload(await localFile("v1.pdf", "version one"), "again", "same.pdf");
        await d.upload(await localFile("v2.pdf", "version two, longer"), "again", "same.pdf");
      } finally {
        await d.close();
      }
      expect(await readFile(b.onServer("again/same.pdf"), "utf8")).toBe("version two, longer");
      expect(await readdir(b.onServer("again"))).toEqual(["same.pdf"]);
    });

    it("after an interrupted try: tells what arrived, finishes a whole temp file, removes a short one", async () => {
      const body = "%PDF-1.7 interrupted delivery, whole";
      const local = await localFile("int.pdf", body);
      const d = openDeliverer(b.target());
      try {
        // Nothing there (not even the folder): missing.
        expect(await d.checkArrival(local, "int", "a.pdf")).toMatchObject({ state: "missing", temp: "none" });
        await d.upload(local, "int", "a.pdf");
        // The file arrived before the sender was killed: arrived, by size.
        const a = await d.checkArrival(local, "int", "a.pdf");
        expect(a).toMatchObject({
          state: "arrived",
          remoteBytes: body.length,
          bytes: body.length,
          temp: "none",
        });
        // Killed after the whole transfer, before the rename: the temp file becomes the final name.
        await writeFile(b.onServer("int/.b.pdf.part"), body);
        expect(await d.checkArrival(local, "int", "b.pdf")).toMatchObject({
          state: "arrived",
          temp: "renamed",
        });
        expect(await readFile(b.onServer("int/b.pdf"), "utf8")).toBe(body);
        // Killed mid-transfer: the short temp file is removed, the file must be sent again.
        await writeFile(b.onServer("int/.c.pdf.part"), body.slice(0, 10));
        expect(await d.checkArrival(local, "int", "c.pdf")).toMatchObject({
          state: "missing",
          temp: "removed",
        });
        // A short final file (cut off) is not taken for sent.
        await writeFile(b.onServer("int/d.pdf"), body.slice(0, 5));
        expect((await d.checkArrival(local, "int", "d.pdf")).state).toBe("short");
      } finally {
        await d.close();
      }
      expect((await readdir(b.onServer("int"))).sort()).toEqual(["a.pdf", "b.pdf", "d.pdf"]);
    });

    it("refuses a folder that climbs out of the target, before connecting", async () => {
      const d = openDeliverer(b.target());
      try {
        const err = await d.upload(await localFile("esc.pdf", "x"), "a/../../etc", "x.pdf").catch((e) => e);
        expect(err).toBeInstanceOf(DeliveryError);
        expect(err.code).toBe("bad-path");
        expect(err.transient).toBe(false);
        const err2 = await d.upload(await localFile("esc.pdf", "x"), "", "../x.pdf").catch((e) => e);
        expect(err2.code).toBe("bad-path");
      } finally {
        await d.close();
      }
    });

    it("reports a missing local file as permanent", async () => {
      const d = openDeliverer(b.target());
      try {
        const err = await d.upload(join(work, "nope.pdf"), "", "x.pdf").catch((e) => e);
        expect(err).toBeInstanceOf(DeliveryError);
        expect(err.code).toBe("local-file");
        expect(err.transient).toBe(false);
      } finally {
        await d.close();
      }
    });

    it("test() connects and describes the folder", async () => {
      const d = openDeliverer(b.target());
      try {
        expect(await d.test()).toMatch(/in/);
      } finally {
        await d.close();
      }
    });
  });
}
