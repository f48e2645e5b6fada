// Authorisation on EVERY registered route: the route table is read from Fastify itself, and each
// route is called as anonymous, viewer, operator and admin. Reads are open unless the journal is
// private; changes need a login and the session's CSRF token; admin routes need admin. A route that
// is not classified below fails the test: a new route must say who may call it.
import path from "node:path";
import type { FastifyInstance, InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import type { Role } from "../../src/store/users.repository.ts";
import { buildWebApp } from "../../src/web/app.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";

type Level = "public" | "journal" | "metrics" | "sse" | Role;

/** Who may call what. Keys are `METHOD /path` as Fastify prints them. */
const POLICY: Record<string, Level> = {
  "GET /api/health": "public",
  "POST /api/login": "public",
  "POST /api/logout": "public",
  "GET /api/lookups": "journal",
  "GET /api/me": "public",
  "POST /api/me/password": "viewer",
  "GET /api/jobs": "journal",
  "GET /api/jobs/export.csv": "journal",
  "GET /api/jobs/export.xlsx": "journal",
  "GET /api/jobs/:id": "journal",
  "GET /api/jobs/:id/files/:name": "journal",
  "GET /api/events": "sse",
  "DELETE /api/jobs/:id": "operator",
  "PATCH /api/jobs/:id": "admin",
  "POST /api/jobs/:id/rerun": "operator",
  "POST /api/jobs/:id/remake": "operator",
  "POST /api/jobs/:id/bureau": "operator",
  "POST /api/deliveries/:id/resend": "operator",
  "POST /api/uploads": "operator",
  "GET /api/reports": "viewer",
  "GET /api/users": "admin",
  "POST /api/users": "admin",
  "PATCH /api/users/:id": "admin",
  "DELETE /api/users/:id": "admin",
  "GET /api/settings": "admin",
  "PUT /api/settings": "admin",
  "GET /api/settings/export": "admin",
  "GET /api/settings/source": "admin",
  "POST /api/settings/import": "admin",
  "POST /api/targets/:name/test": "admin",
  "POST /api/rules/preview": "admin",
  "GET /api/audit": "admin",
  "GET /metrics": "metrics",
};

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };
const ROLES: Role[] = ["viewer", "operator", "admin"];

/** Routes from `printRoutes({ commonPrefix: false })`: a tree whose lines hold paths relative to their parent. */
function routeTable(app: FastifyInstance): { method: string; url: string }[] {
  const out: { method: string; url: string }[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const m = /^([│ ]*)(?:├── |└── )(\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    stack.push(m[2]);
    const url = stack.join("");
    for (const method of (m[3] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (method !== "HEAD") out.push({ method, url });
    }
  }
  return out;
}

const concrete = (url: string) =>
  url
    .replace(/:id\b/g, "999999")
    .replace(/:name\b/g, "nothing")
    .replace(/\*$/, "x");
const isStatic = (url: string) =>
  !url.startsWith("/api/") && url !== "/metrics" && !url.startsWith("/admin/queues");

describe("authorisation on every route", () => {
  let ctx: AppContext;
  let app: FastifyInstance;
  let outside: string;
  const sessions: Partial<Record<Role, { cookie: string; csrf: string }>> = {};

  async function login(role: Role) {
    const name = `${role}-user`;
    await ctx.users.add(name, "a-long-Passw0rd", role);
    const r = await app.inject({
      method: "POST",
      url: "/api/login",
      payload: { name, password: "a-long-Passw0rd" },
    });
    expect(r.statusCode).toBe(200);
    const cookie = String(r.headers["set-cookie"]).split(";")[0];
    sessions[role] = { cookie, csrf: r.json().csrf };
  }

  function call(
    method: string,
    url: string,
    who: Role | null,
    o: { csrf?: boolean; headers?: Record<string, string> } = {},
  ) {
    const s = who ? sessions[who] : undefined;
    const headers: Record<string, string> = { ...o.headers };
    if (s) headers.cookie = s.cookie;
    if (s && o.csrf !== false) headers["x-csrf-token"] = s.csrf;
    const req: InjectOptions = { method: method as InjectOptions["method"], url: concrete(url), headers };
    if (!["GET", "HEAD", "DELETE"].includes(method)) req.payload = {};
    return app.inject(req);
  }

  beforeAll(async () => {
    outside = tempDir("pdfupload-authz-");
    ctx = await tempContext(path.join(outside, "data"));
    app = await buildWebApp(ctx, { logger: false });
    await app.ready();
    for (const r of ROLES) await login(r);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it("every registered route is classified", () => {
    const routes = routeTable(app).filter((r) => !isStatic(r.url));
    expect(routes.length).toBeGreaterThan(20);
    const unknown = routes.map((r) => `${r.method} ${r.url}`).filter((k) => !(k in POLICY));
    expect(unknown, "new routes must be added to POLICY with who may call them").toEqual([]);
  });

  it("role routes: anonymous 401, lower roles 403, the role and above pass; changes need the CSRF token", async () => {
    const checked: string[] = [];
    for (const { method, url } of routeTable(app)) {
      const level = POLICY[`${method} ${url}`];
      if (!level || !(level in RANK)) continue;
      const need = RANK[level as Role];
      const anon = await call(method, url, null);
      expect(anon.statusCode, `${method} ${url} anonymous`).toBe(401);
      for (const who of ROLES) {
        const r = await call(method, url, who);
        if (RANK[who] < need) expect(r.statusCode, `${method} ${url} as ${who}`).toBe(403);
        else expect([401, 403], `${method} ${url} as ${who}: ${r.body}`).not.toContain(r.statusCode);
      }
      if (method !== "GET") {
        const noCsrf = await call(method, url, "admin", { csrf: false });
        expect(noCsrf.statusCode, `${method} ${url} without CSRF`).toBe(403);
        expect(noCsrf.json().error.code).toBe("csrf");
        const wrong = await call(method, url, "admin", {
          csrf: false,
          headers: { "x-csrf-token": "forged" },
        });
        expect(wrong.statusCode, `${method} ${url} with a forged CSRF token`).toBe(403);
      }
      checked.push(`${method} ${url}`);
    }
    expect(checked.length).toBeGreaterThan(15);
  });

  it("public routes and static files answer everyone", async () => {
    for (const { method, url } of routeTable(app)) {
      const level = isStatic(url) ? "public" : POLICY[`${method} ${url}`];
      if (level !== "public" || url === "/api/logout") continue;
      for (const who of [null, ...ROLES]) {
        const r = await call(method, url, who);
        expect([401, 403], `${method} ${url} as ${who ?? "anonymous"}`).not.toContain(r.statusCode);
      }
    }
    expect((await call("POST", "/api/logout", null)).statusCode).toBe(200);
  });

  it("journal reads are open by default and need a login when the journal is private", async () => {
    const journal = routeTable(app).filter((r) => POLICY[`${r.method} ${r.url}`] === "journal");
    expect(journal.length).toBeGreaterThanOrEqual(5);
    for (const { method, url } of journal) {
      for (const who of [null, ...ROLES])
        expect([401, 403]).not.toContain((await call(method, url, who)).statusCode);
    }
    const s = await ctx.settingsRepo.get();
    await ctx.settingsRepo.save({ ...s, journal: { ...s.journal, private: true } });
    try {
      for (const { method, url } of [...journal, { method: "GET", url: "/api/events" }]) {
        expect(
          (await call(method, url, null)).statusCode,
          `${method} ${url} anonymous, private journal`,
        ).toBe(401);
        if (url === "/api/events") continue; // a live stream: checked over HTTP below
        for (const who of ROLES)
          expect([401, 403], `${method} ${url} as ${who}`).not.toContain(
            (await call(method, url, who)).statusCode,
          );
      }
      // Health stays open for monitors, but tells an outsider nothing about the shop's work.
      const anonHealth = (await call("GET", "/api/health", null)).json();
      expect(anonHealth).toEqual({ status: "ok", version: expect.any(String), db: { ok: true } });
      const viewerHealth = (await call("GET", "/api/health", "viewer")).json();
      expect(viewerHealth.queue.counts).toBeTypeOf("object");
    } finally {
      await ctx.settingsRepo.save({ ...s, journal: { ...s.journal, private: false } });
    }
    expect((await call("GET", "/api/health", null)).json().queue.counts).toBeTypeOf("object");
  });

  it("the live event stream opens for a reader", async () => {
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    const ac = new AbortController();
    const r = await fetch(`${address}/api/events`, {
      signal: ac.signal,
      headers: { cookie: sessions.viewer?.cookie ?? "" },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/text\/event-stream/);
    ac.abort();
  });

  it("metrics: this machine or an admin; never the public side of the proxy", async () => {
    expect((await call("GET", "/metrics", null)).statusCode).toBe(200);
    const viaProxy = { "x-forwarded-for": "203.0.113.9" };
    expect((await call("GET", "/metrics", null, { headers: viaProxy })).statusCode).toBe(403);
    expect((await call("GET", "/metrics", "operator", { headers: viaProxy })).statusCode).toBe(403);
    expect((await call("GET", "/metrics", "admin", { headers: viaProxy })).statusCode).toBe(200);
  });
});
