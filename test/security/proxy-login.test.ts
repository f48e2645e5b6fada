// Login guessing through the shipped nginx site: a client that writes its own X-Forwarded-For
// (nginx appends the real address to it) still hits the per-address limit, and the audit log
// records the address nginx vouched for. Guesses spread over many addresses hit the per-name limit.
import fsp from "node:fs/promises";
import https from "node:https";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import { freePort, makeSelfSignedCert, type SelfSignedCert } from "../../src/delivery/testing/net.ts";
import { buildWebApp } from "../../src/web/app.ts";
import { startNginx, type TestServer } from "../helpers/servers.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";

describe("login limits behind nginx", () => {
  const root = tempDir("pdfupload-proxy-");
  let ctx: AppContext;
  let app: FastifyInstance;
  let nginx: TestServer;
  let cert: SelfSignedCert;
  let port = 0;

  beforeAll(async () => {
    ctx = await tempContext(path.join(root, "data"));
    await ctx.users.add("boss", "right-password-1", "admin");
    await ctx.users.add("clerk", "right-password-2", "viewer");
    app = await buildWebApp(ctx, { logger: false });
    port = await freePort();
    await app.listen({ port, host: "127.0.0.1" });
    cert = await makeSelfSignedCert(root);
    const assets = path.join(root, "assets");
    await fsp.mkdir(assets, { recursive: true });
    await fsp.chmod(root, 0o755);
    nginx = await startNginx({ upstreamPort: port, assetsDir: assets, cert });
  });
  afterAll(async () => {
    await nginx?.stop();
    await app?.close();
    await ctx?.close();
    await fsp.rm(root, { recursive: true, force: true });
  });

  const viaNginx = (headers: Record<string, string>, body: object) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = https.request(
        `${nginx.url}/api/login`,
        { method: "POST", ca: cert.cert, headers: { "content-type": "application/json", ...headers } },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c) => {
            text += c;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify(body));
    });
  const rnd = () => `${1 + Math.floor(Math.random() * 222)}.${Math.floor(Math.random() * 255)}.7.9`;

  it("forged X-Forwarded-For entries do not reset the per-address limit; the audit has the real address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const forged = i % 2 ? rnd() : `${rnd()}, ${rnd()}`;
      const r = await viaNginx(
        { "x-forwarded-for": forged, "x-real-ip": rnd() },
        { name: `nobody${i}`, password: "guess" },
      );
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(30).fill(429));
    const audit = await ctx.store.db
      .selectFrom("audit")
      .select(["detail"])
      .where("action", "=", "login.failed")
      .execute();
    expect(audit).toHaveLength(10);
    for (const a of audit) expect(JSON.parse(a.detail as string)).toEqual({ ip: "127.0.0.1" });
  });

  it("guesses at one user name from many addresses stop after 10 failures, even with the right password", async () => {
    // Straight to the app from this machine (a trusted proxy address), as if a proxy had vouched
    // for a new client address each time: the per-address limit never bites, the per-name one does.
    const direct = (ip: string, password: string, name = "boss") =>
      app.inject({
        method: "POST",
        url: "/api/login",
        remoteAddress: "127.0.0.1",
        headers: { "x-forwarded-for": ip },
        payload: { name, password },
      });
    for (let i = 0; i < 10; i++) expect((await direct(`10.1.0.${i + 1}`, "wrong")).statusCode).toBe(401);
    const blocked = await direct("10.1.0.99", "right-password-1");
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe("login-throttled");
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    // Another user is not held up by it.
    expect((await direct("10.1.0.100", "right-password-2", "clerk")).statusCode).toBe(200);
    // The audit shows each address the proxy vouched for.
    const ips = (
      await ctx.store.db
        .selectFrom("audit")
        .select("detail")
        .where("user_name", "=", "boss")
        .where("action", "=", "login.failed")
        .execute()
    ).map((a) => JSON.parse(a.detail as string).ip);
    expect(ips).toEqual(Array.from({ length: 10 }, (_, i) => `10.1.0.${i + 1}`));
  });

  it("a client that is not one of our proxies cannot speak for another address", async () => {
    const r = await app.inject({
      method: "POST",
      url: "/api/login",
      remoteAddress: "192.0.2.10",
      headers: { "x-forwarded-for": "10.9.9.9" },
      payload: { name: "ghost", password: "x" },
    });
    expect(r.statusCode).toBe(401);
    const last = await ctx.store.db
      .selectFrom("audit")
      .select(["detail"])
      .where("user_name", "=", "ghost")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(last.detail as string).ip).toBe("192.0.2.10");
  });
});
