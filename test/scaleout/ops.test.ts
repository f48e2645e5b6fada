// /metrics, the queue dashboard and live events between two contexts (as two processes would
// have), on each engine: SQLite/embedded and PostgreSQL + Redis/BullMQ.
import fsp from "node:fs/promises";
import http from "node:http";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import type { LiveEvent } from "../../src/events/event-bus.ts";
import { buildWebApp } from "../../src/web/app.ts";
import { ENGINES } from "../helpers/servers.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";
import { until } from "../helpers/wait.ts";

describe.each(ENGINES)("operations on $name", (engine) => {
  let web: AppContext;
  let worker: AppContext;
  let app: FastifyInstance;
  let stopEngine: () => Promise<void> = async () => {};
  let adminCookie = "";
  const data = tempDir("pdfupload-ops-");

  beforeAll(async () => {
    const started = await engine.start();
    stopEngine = started.stop;
    web = await tempContext(data, started.env);
    // A second context on the same data and engines: what a separate worker process holds.
    worker = await tempContext(data, started.env);
    await web.users.add("boss", "boss-pass", "admin");
    await web.users.add("op", "op-pass", "operator");
    app = await buildWebApp(web, { logger: false });
    const login = await app.inject({
      method: "POST",
      url: "/api/login",
      payload: { name: "boss", password: "boss-pass" },
    });
    adminCookie = `pdfupload_session=${login.cookies.find((c) => c.name === "pdfupload_session")?.value}`;
  });
  afterAll(async () => {
    await app?.close();
    await worker?.close();
    await web?.close();
    await stopEngine();
    await fsp.rm(data, { recursive: true, force: true });
  });

  it("serves Prometheus metrics to this machine and admins, not to the proxied public", async () => {
    const a = await worker.jobs.create({ fileName: "a.pdf", source: "test", sourcePath: null });
    await worker.jobs.update(a.id, { status: "failed" });
    await worker.jobs.create({ fileName: "b.pdf", source: "test", sourcePath: null });
    const local = await app.inject({ method: "GET", url: "/metrics", remoteAddress: "127.0.0.1" });
    expect(local.statusCode).toBe(200);
    expect(local.headers["content-type"]).toMatch(/text\/plain/);
    expect(local.body).toMatch(/^pdfupload_jobs\{status="failed"\} 1$/m);
    expect(local.body).toMatch(/^pdfupload_jobs\{status="queued"\} 1$/m);
    expect(local.body).toMatch(/^pdfupload_queue_depth\{state="\w+",queue="(embedded|bullmq)"\} \d+$/m);
    expect(local.body).toContain("pdfupload_process_resident_memory_bytes");
    const proxied = await app.inject({
      method: "GET",
      url: "/metrics",
      remoteAddress: "127.0.0.1",
      headers: { "x-forwarded-for": "203.0.113.9" },
    });
    expect(proxied.statusCode).toBe(403);
    expect(
      (await app.inject({ method: "GET", url: "/metrics", remoteAddress: "192.0.2.5" })).statusCode,
    ).toBe(403);
    const admin = await app.inject({
      method: "GET",
      url: "/metrics",
      remoteAddress: "192.0.2.5",
      headers: { cookie: adminCookie },
    });
    expect(admin.statusCode).toBe(200);
  });

  it("sees another process's events live, and counts its step durations and delivery failures", async () => {
    const seen: LiveEvent[] = [];
    const off = web.events.on((e) => seen.push(e));
    const job = await worker.jobs.create({ fileName: "c.pdf", source: "test", sourcePath: null });
    const t = new Date().toISOString();
    await worker.jobs.update(job.id, {
      status: "done",
      timeline: JSON.stringify([
        { step: "intake", status: "ok", startedAt: t, ms: 20 },
        { step: "render", status: "ok", startedAt: t, ms: 3200 },
      ]),
    });
    const d = await worker.jobs.addDelivery({
      job_id: job.id,
      kind: "bureau",
      target: "leonov-ftp",
      remote_dir: "",
      remote_name: "c.pdf",
      local_path: "/nonexistent",
      state: "pending",
      attempts: 1,
      next_at: t,
      error: "530 Login incorrect",
      reply: null,
      sent_at: null,
    });
    const sharedBus = engine.name !== "sqlite";
    // The worker context emits; on a shared engine the web context hears it through Redis.
    const emitter = sharedBus ? worker : web;
    emitter.events.emit({ type: "log", id: job.id, at: t, level: "info", msg: "render: ok" });
    emitter.events.emit({ type: "delivery", id: d.id, jobId: job.id, state: "pending" });
    emitter.events.emit({ type: "job", id: job.id, status: "done", step: null });
    await until(
      () => seen.some((e) => e.type === "job" && e.id === job.id && e.status === "done"),
      10_000,
      "event crossed",
    );
    off();
    expect(seen.find((e) => e.type === "log" && e.id === job.id)).toMatchObject({ msg: "render: ok" });
    // Delivered once, not twice (the web's own echo is skipped).
    expect(seen.filter((e) => e.type === "job" && e.id === job.id)).toHaveLength(1);
    let body = "";
    await until(
      async () => {
        body = (await app.inject({ method: "GET", url: "/metrics" })).body;
        return /pdfupload_step_duration_seconds_count\{step="render",status="ok"\} 1/.test(body);
      },
      10_000,
      "step histogram",
    );
    expect(body).toMatch(/^pdfupload_step_duration_seconds_bucket\{le="5",step="render",status="ok"\} 1$/m);
    expect(body).toMatch(/^pdfupload_step_duration_seconds_bucket\{le="2.5",step="render",status="ok"\} 0$/m);
    expect(body).toMatch(/^pdfupload_delivery_failures_total\{target="leonov-ftp",kind="bureau"\} 1$/m);
    expect(body).toMatch(/^pdfupload_deliveries\{target="leonov-ftp",state="pending"\} 1$/m);
  });

  it("ends open live streams when the web server shuts down (graceful stop does not hang on browsers)", async () => {
    const server = await buildWebApp(web, { logger: false });
    await server.listen({ port: 0, host: "127.0.0.1" });
    const { port } = server.server.address() as { port: number };
    const ended = new Promise<string>((resolve, reject) => {
      http
        .get(`http://127.0.0.1:${port}/api/events`, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => {
            body += c;
            if (body.includes("retry:")) void server.close();
          });
          res.on("end", () => resolve(body));
        })
        .on("error", reject);
    });
    expect(await ended).toContain("retry: 2000");
  });

  it("shows the queue dashboard to admins in BullMQ mode only", async () => {
    const anon = await app.inject({ method: "GET", url: "/admin/queues/api/queues" });
    const op = await app.inject({
      method: "POST",
      url: "/api/login",
      payload: { name: "op", password: "op-pass" },
    });
    const opCookie = `pdfupload_session=${op.cookies.find((c) => c.name === "pdfupload_session")?.value}`;
    const asOperator = await app.inject({
      method: "GET",
      url: "/admin/queues/api/queues",
      headers: { cookie: opCookie },
    });
    const asAdmin = await app.inject({
      method: "GET",
      url: "/admin/queues/api/queues",
      headers: { cookie: adminCookie },
    });
    if (engine.name === "sqlite") {
      // Embedded: no dashboard API; /admin/* is the web UI, whose job pages show the queue.
      expect(asAdmin.headers["content-type"]).toMatch(/text\/html/);
      return;
    }
    expect(anon.statusCode).toBe(401);
    expect(asOperator.statusCode).toBe(403);
    expect(asAdmin.statusCode).toBe(200);
    expect(asAdmin.json().queues.map((q: { name: string }) => q.name)).toEqual(["pdfupload-jobs"]);
    const page = await app.inject({ method: "GET", url: "/admin/queues", headers: { cookie: adminCookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("/admin/queues");
    const crossSite = await app.inject({
      method: "PUT",
      url: "/admin/queues/api/queues/pdfupload-jobs/pause",
      headers: { cookie: adminCookie, origin: "https://evil.example" },
    });
    expect(crossSite.statusCode).toBe(403);
  });
});
