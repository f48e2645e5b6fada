// The journal API against each real database (SQLite/embedded and PostgreSQL + Redis/BullMQ):
// filters, paging, totals, auth on changes.
import fs from "node:fs";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import { buildWebApp } from "../../src/web/app.ts";
import { signaAnalysis, signaSheet } from "../fixtures/analysis.ts";
import { ENGINES } from "../helpers/servers.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";

describe.each(ENGINES)("journal API on $name", (engine) => {
  let ctx: AppContext;
  let app: FastifyInstance;
  let stopEngine: () => Promise<void> = async () => {};
  let dataDir = "";

  async function addJob(
    file: string,
    date: string,
    press: string | null,
    bureau: string | null,
    plates: number,
    status: "done" | "failed" = "done",
  ) {
    const j = await ctx.jobs.create({ fileName: file, source: "test", sourcePath: null, fileDate: date });
    await ctx.jobs.update(j.id, {
      status,
      press,
      bureau,
      plates,
      plate_area_m2: plates * 0.7931,
      money: plates * 11.5,
    });
    return j.id;
  }

  beforeAll(async () => {
    const started = await engine.start();
    stopEngine = started.stop;
    dataDir = tempDir();
    ctx = await tempContext(dataDir, started.env);
    await ctx.settingsRepo.save({
      presses: [
        { name: "Speedmaster", plateWidthMm: 1030, plateHeightMm: 770, gripperMm: 42, plateCost: 11.5 },
      ],
      bureaus: [{ name: "Leonov" }, { name: "Korol" }],
    });
    await addJob("0537_Technoyug_Flier_Leonov.pdf", "2026-11-01T10:00:00.000Z", "Speedmaster", "Leonov", 8);
    await addJob("0538_Книга_Korol.pdf", "2026-11-02T10:00:00.000Z", "Planeta", "Korol", 4);
    await addJob("0539_Calendar_Leonov.pdf", "2026-11-03T10:00:00.000Z", "Speedmaster", "Leonov", 5);
    await addJob("broken.pdf", "2026-11-04T10:00:00.000Z", null, null, 0, "failed");
    await addJob("0400_Old_Leonov.pdf", "2026-09-01T10:00:00.000Z", "Speedmaster", "Leonov", 2);
    await ctx.users.add("op", "operator-pass", "operator");
    app = await buildWebApp(ctx, { logger: false });
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
    await stopEngine();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const get = async (url: string) => {
    const r = await app.inject({ method: "GET", url });
    expect(r.statusCode).toBe(200);
    return r.json();
  };
  const files = (body: { jobs: { file: string }[] }) => body.jobs.map((j) => j.file);

  describe("GET /api/jobs", () => {
    it("lists newest first with the total", async () => {
      const b = await get("/api/jobs");
      expect(b.total).toBe(5);
      expect(files(b)).toEqual([
        "broken.pdf",
        "0539_Calendar_Leonov.pdf",
        "0538_Книга_Korol.pdf",
        "0537_Technoyug_Flier_Leonov.pdf",
        "0400_Old_Leonov.pdf",
      ]);
    });

    it("filters by date range (inclusive days)", async () => {
      expect(files(await get("/api/jobs?from=2026-11-02&to=2026-11-03"))).toEqual([
        "0539_Calendar_Leonov.pdf",
        "0538_Книга_Korol.pdf",
      ]);
    });

    it("filters by press and by bureau", async () => {
      expect(files(await get("/api/jobs?press=Planeta"))).toEqual(["0538_Книга_Korol.pdf"]);
      expect((await get("/api/jobs?bureau=Leonov")).total).toBe(3);
    });

    it("filters by file name, case-insensitive and in Cyrillic; a leading - negates", async () => {
      expect(files(await get(`/api/jobs?q=${encodeURIComponent("книга")}`))).toEqual([
        "0538_Книга_Korol.pdf",
      ]);
      expect(files(await get("/api/jobs?q=calendar"))).toEqual(["0539_Calendar_Leonov.pdf"]);
      const neg = files(await get("/api/jobs?q=-leonov"));
      expect(neg).toEqual(["broken.pdf", "0538_Книга_Korol.pdf"]);
      // LIKE wildcards in the query are literal text.
      expect((await get("/api/jobs?q=%25")).total).toBe(0);
    });

    it("filters by several words, each optionally negated, in SQL on this engine; empty parameters are not given", async () => {
      const q = async (text: string) => files(await get(`/api/jobs?q=${encodeURIComponent(text)}`));
      expect(await q("leonov -calendar")).toEqual(["0537_Technoyug_Flier_Leonov.pdf", "0400_Old_Leonov.pdf"]);
      expect(await q("0538  КНИГА")).toEqual(["0538_Книга_Korol.pdf"]);
      expect(await q("-leonov -книга")).toEqual(["broken.pdf"]);
      expect(await q("leonov книга")).toEqual([]);
      expect(await q("- leonov")).toHaveLength(3); // a lone "-" is no word
      // "_" is a literal underscore, not LIKE's any-character ("4_0" would match "0400").
      expect(await q("4_0")).toEqual([]);
      expect(await q("0_old_")).toEqual(["0400_Old_Leonov.pdf"]);
      // A cleared filter form sends every field empty: all jobs.
      expect((await get("/api/jobs?from=&to=&press=&bureau=&q=&status=&attention=")).total).toBe(5);
    });

    it("filters by status and pages with limit/offset", async () => {
      expect(files(await get("/api/jobs?status=failed"))).toEqual(["broken.pdf"]);
      const p2 = await get("/api/jobs?limit=2&offset=2");
      expect(p2.total).toBe(5);
      expect(files(p2)).toEqual(["0538_Книга_Korol.pdf", "0537_Technoyug_Flier_Leonov.pdf"]);
      expect(files(await get("/api/jobs?order=asc&limit=1"))).toEqual(["0400_Old_Leonov.pdf"]);
    });

    it("totals plates, m² and money per press for the rows shown", async () => {
      const b = await get("/api/jobs?from=2026-11-01");
      const sm = b.totals.find((t: { press: string }) => t.press === "Speedmaster");
      expect(sm.plates).toBe(13);
      expect(sm.money).toBeCloseTo(13 * 11.5);
      expect(b.totals.find((t: { press: string }) => t.press === "Planeta").plates).toBe(4);
    });

    it("refuses a malformed filter with the problem", async () => {
      const r = await app.inject({ method: "GET", url: "/api/jobs?from=yesterday" });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.problems[0].path).toBe("from");
    });

    it("returns one job with analysis fields by id, 404 for none", async () => {
      const list = await get("/api/jobs?q=calendar");
      const one = await get(`/api/jobs/${list.jobs[0].id}`);
      expect(one).toMatchObject({
        file: "0539_Calendar_Leonov.pdf",
        press: "Speedmaster",
        plates: 5,
        status: "done",
      });
      expect((await app.inject({ method: "GET", url: "/api/jobs/99999" })).statusCode).toBe(404);
    });
  });

  describe("changes need a login and the CSRF token", () => {
    it("refuses anonymous, accepts an operator with the token", async () => {
      const id = (await get("/api/jobs?q=broken")).jobs[0].id;
      expect((await app.inject({ method: "DELETE", url: `/api/jobs/${id}` })).statusCode).toBe(401);
      const login = await app.inject({
        method: "POST",
        url: "/api/login",
        payload: { name: "op", password: "operator-pass" },
      });
      expect(login.statusCode).toBe(200);
      const cookie = login.cookies.find((c) => c.name === "pdfupload_session");
      expect(cookie?.httpOnly).toBe(true);
      const headers = { cookie: `pdfupload_session=${cookie?.value}` };
      expect((await app.inject({ method: "DELETE", url: `/api/jobs/${id}`, headers })).statusCode).toBe(403);
      const ok = await app.inject({
        method: "DELETE",
        url: `/api/jobs/${id}`,
        headers: { ...headers, "x-csrf-token": login.json().csrf },
      });
      expect(ok.statusCode).toBe(200);
      expect((await get("/api/jobs")).total).toBe(4);
      // An operator is not an admin.
      const patch = await app.inject({
        method: "PATCH",
        url: "/api/jobs/1",
        headers: { ...headers, "x-csrf-token": login.json().csrf },
        payload: { press: "Speedmaster" },
      });
      expect(patch.statusCode).toBe(403);
    });

    it("health answers with version, DB and queue state", async () => {
      const h = await get("/api/health");
      expect(h).toMatchObject({
        status: "ok",
        db: { engine: engine.name, ok: true },
        queue: { kind: engine.name === "sqlite" ? "embedded" : "bullmq" },
      });
      expect(h.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(h.queue.counts.done).toBe(4);
    });
  });

  describe("rule preview against a past job", () => {
    it("renders an edited bureau's folder and name rules for the job, and says what is wrong with a bad rule", async () => {
      const admin = await ctx.users.add("boss", "boss-password", "admin").catch(() => null);
      expect(admin).not.toBeNull();
      const login = await app.inject({
        method: "POST",
        url: "/api/login",
        payload: { name: "boss", password: "boss-password" },
      });
      const headers = {
        cookie: `pdfupload_session=${login.cookies[0].value}`,
        "x-csrf-token": login.json().csrf,
      };
      const job = await ctx.jobs.create({
        fileName: "0537_Technoyug_Flier_Korol.pdf",
        source: "test",
        sourcePath: null,
      });
      const analysis = signaAnalysis({
        sheets: [1, 2].map((page) =>
          signaSheet(page, ["Cyan", "Magenta", "PANTONE Reflex Blue C", "PANTONE 246 C"]),
        ),
      });
      await ctx.jobs.update(job.id, { analysis: JSON.stringify(analysis), status: "done" });
      const bureau = {
        name: "Korol",
        folder: "{plateFolder}",
        fileName: "{name}_{plateW}_{plates}Plates{colours}.pdf",
        plateFolders: { "1030x770": "_1030x770" },
      };
      const r = await app.inject({
        method: "POST",
        url: "/api/rules/preview",
        headers,
        payload: { jobId: job.id, bureau },
      });
      expect(r.statusCode).toBe(200);
      expect(r.json().fileName).toMatchObject({
        ok: true,
        value: "0537_Technoyug_Flier_1030_8Plates_CM-ReflexBlueC-246C.pdf",
      });
      expect(r.json().folder).toMatchObject({ ok: true, value: "_1030x770" });
      const bad = await app.inject({
        method: "POST",
        url: "/api/rules/preview",
        headers,
        payload: { jobId: job.id, bureau: { ...bureau, fileName: "{nmae}.pdf" } },
      });
      expect(bad.json().fileName.ok).toBe(false);
      expect(bad.json().fileName.error.message).toContain("nmae");
    });
  });
});
