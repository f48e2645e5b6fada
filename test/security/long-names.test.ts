// Names at the 255-byte limit (127 Cyrillic letters, legal on Linux and over SMB): a hot-folder
// sheet goes to the bureau (real vsftpd) under its own name, and a non-PDF is quarantined with its
// reason beside it, although the archive, quarantine and temp names add prefixes and suffixes.
// An upload name over the limit is refused with a 4xx that names no server path.
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import { startVsftpd, type Vsftpd } from "../../src/delivery/testing/vsftpd.ts";
import { HotFolderWatcher } from "../../src/intake/hot-folder.ts";
import type { JobRow } from "../../src/store/jobs.repository.ts";
import { buildWebApp } from "../../src/web/app.ts";
import { threeMarks, writeSheet } from "../fixtures/signa.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";
import { until } from "../helpers/wait.ts";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

/** `prefix` + Cyrillic letters + `suffix`, exactly `size` bytes. */
function nameOf(size: number, prefix: string, suffix: string): string {
  let mid = "";
  while (bytes(prefix + mid + suffix) + 2 <= size) mid += "Ж";
  if (bytes(prefix + mid + suffix) < size) mid += "x";
  const name = prefix + mid + suffix;
  expect(bytes(name)).toBe(size);
  return name;
}

describe("names at the 255-byte limit", () => {
  const outside = tempDir("pdfupload-longnames-");
  let ctx: AppContext;
  let ftp: Vsftpd;
  let watcher: HotFolderWatcher;
  let app: FastifyInstance;

  beforeAll(async () => {
    ftp = await startVsftpd();
    fs.mkdirSync(path.join(outside, "press"));
    ctx = await tempContext(path.join(outside, "data"));
    await ctx.settingsRepo.save({
      presses: [
        {
          name: "Speedmaster",
          plateWidthMm: 1030,
          plateHeightMm: 770,
          gripperMm: 40,
          previewTarget: "press",
        },
      ],
      bureaus: [{ name: "Leonov", target: "bureau" }],
      targets: [
        {
          name: "bureau",
          url: `ftp://${ftp.user}@127.0.0.1:${ftp.port}/`,
          password: ftp.password,
          timeoutSec: 20,
        },
        { name: "press", url: `file://${path.join(outside, "press")}` },
      ],
    });
    ctx.queue.work(1);
    watcher = new HotFolderWatcher(ctx, {
      folders: [{ path: "input", abs: ctx.paths.input, importMode: false, polling: false }],
      stableMs: 300,
      rescanMs: 1000,
    });
    await watcher.start();
    app = await buildWebApp(ctx, { logger: false });
    // A fault inside a handler, quoting a server path as Node's errors do.
    app.get("/api/test-fault", async () => {
      throw Object.assign(new Error(`ENAMETOOLONG: name too long, open '${ctx.paths.work}/1/x.pdf'`), {
        code: "ENAMETOOLONG",
      });
    });
    app.get("/api/test-refusal", async () => {
      throw Object.assign(new Error(`cannot read '${ctx.paths.archive}/2026/x.pdf'`), { statusCode: 409 });
    });
    await app.ready();
  });
  afterAll(async () => {
    await watcher?.stop();
    await app?.close();
    await ctx?.close();
    await ftp?.stop();
    await fsp.rm(outside, { recursive: true, force: true });
  });

  /** Written beside the hot folder, then renamed into it whole; waits for the job to end. */
  async function dropIntoHotFolder(name: string, write: (dir: string) => Promise<string>): Promise<JobRow> {
    const staging = path.join(ctx.paths.root, "staging");
    await fsp.mkdir(staging, { recursive: true });
    const file = await write(staging);
    await fsp.rename(file, path.join(ctx.paths.input, name));
    let job: JobRow | undefined;
    await until(
      async () => {
        job = (await ctx.jobs.list({})).rows.find((r) => r.file_name === name);
        return !!job && ["done", "failed"].includes(job.status);
      },
      90_000,
      `job for a ${bytes(name)}-byte name finished`,
    );
    return (await ctx.jobs.get((job as JobRow).id)) as JobRow;
  }

  it("a 255-byte Cyrillic hot-folder sheet reaches the bureau under its own name", async () => {
    const name = nameOf(255, "0537_", ".pdf");
    const job = await dropIntoHotFolder(name, (dir) =>
      writeSheet(dir, "sheet.pdf", { pages: 1, marks: threeMarks({ bureau: "Leonov" }) }),
    );
    expect(job.error_message).toBeNull();
    expect(job.status).toBe("done");
    expect(job.file_name).toBe(name);
    // Archived under a name that fits with its job-id prefix, extension kept.
    const archived = path.basename(job.final_path as string);
    expect(bytes(archived)).toBeLessThanOrEqual(255);
    expect(archived.startsWith(`${job.id}_0537_ЖЖ`)).toBe(true);
    expect(archived.endsWith(".pdf")).toBe(true);
    const deliveries = await ctx.jobs.deliveries(job.id);
    expect(deliveries.map((d) => [d.kind, d.state])).toEqual([
      ["bureau", "sent"],
      ["press", "sent"],
    ]);
    // On the FTP server: the whole name, the original's bytes, no temp left behind.
    expect(fs.readdirSync(ftp.root)).toEqual([name]);
    expect(fs.readFileSync(path.join(ftp.root, name))).toEqual(fs.readFileSync(job.final_path as string));
  });

  it("a 255-byte name that is not a PDF is quarantined with its reason beside it", async () => {
    const name = nameOf(255, "0538_", ".pdf");
    const job = await dropIntoHotFolder(name, async (dir) => {
      const f = path.join(dir, "junk.pdf");
      await fsp.writeFile(f, "this is not a PDF at all, just text");
      return f;
    });
    expect(job.status).toBe("failed");
    expect(job.error_code).toBe("not-pdf");
    const entries = fs.readdirSync(ctx.paths.quarantine);
    const kept = entries.find((e) => e.startsWith(`${job.id}_`) && !e.endsWith(".reason.txt"));
    expect(kept, entries.join("\n")).toBeDefined();
    expect(entries).toContain(`${kept}.reason.txt`);
    for (const e of entries) expect(bytes(e)).toBeLessThanOrEqual(255);
    const reason = fs.readFileSync(path.join(ctx.paths.quarantine, `${kept}.reason.txt`), "utf8");
    expect(reason).toContain(`file: ${name}`);
    expect(reason).toContain("code: not-pdf");
  });

  it("error answers never name a server path: a fault is 'internal', a refusal's paths are cut", async () => {
    const fault = await app.inject({ method: "GET", url: "/api/test-fault" });
    expect(fault.statusCode).toBe(500);
    expect(fault.json().error.code).toBe("internal");
    expect(fault.body).not.toContain(outside);
    const refusal = await app.inject({ method: "GET", url: "/api/test-refusal" });
    expect(refusal.statusCode).toBe(409);
    expect(refusal.json().error.message).toBe("cannot read '…/x.pdf'");
  });

  it("an upload name over 255 bytes is refused with a 400 naming no server path; 255 bytes is taken", async () => {
    await ctx.users.add("op", "op-password-1", "operator");
    const login = await app.inject({
      method: "POST",
      url: "/api/login",
      payload: { name: "op", password: "op-password-1" },
    });
    const headers = {
      cookie: String(login.headers["set-cookie"]).split(";")[0],
      "x-csrf-token": login.json().csrf,
    };
    const upload = (filename: string) => {
      const boundary = "----long";
      return app.inject({
        method: "POST",
        url: "/api/uploads",
        headers: { ...headers, "content-type": `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`,
          ),
          Buffer.from("%PDF-1.4 short\n%%EOF\n"),
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
      });
    };
    const long = nameOf(300, "0539_", ".pdf");
    const refused = await upload(long);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({ code: "name-too-long", max: 255 });
    expect(refused.body).not.toContain(ctx.paths.root);
    expect(refused.body).not.toContain(outside);
    const fits = await upload(nameOf(255, "0540_", ".pdf"));
    expect(fits.statusCode).toBe(201);
    // And no answer of the journal names a server path either, failed jobs included.
    for (const url of ["/api/jobs", ...(await ctx.jobs.list({})).rows.map((r) => `/api/jobs/${r.id}`)]) {
      const r = await app.inject({ method: "GET", url, headers });
      expect(r.statusCode, url).toBe(200);
      expect(r.body, url).not.toContain(outside);
    }
  });
});
