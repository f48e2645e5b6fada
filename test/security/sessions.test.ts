// Sessions end when the account changes under them: a password reset or change, a new role,
// disabling or deleting the user. A user changing their own password keeps only the session they
// changed it from. On SQLite and on PostgreSQL, requests through Fastify.
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import { buildWebApp } from "../../src/web/app.ts";
import { ENGINES } from "../helpers/servers.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";

interface Session {
  cookie: string;
  csrf: string;
}

describe.each(ENGINES)("sessions end when the account changes, on $name", (engine) => {
  const root = tempDir("pdfupload-sessions-");
  let stopEngine: () => Promise<void> = async () => {};
  let ctx: AppContext;
  let app: FastifyInstance;
  const ids: Record<string, number> = {};
  let logins = 0;

  beforeAll(async () => {
    const started = await engine.start();
    stopEngine = started.stop;
    ctx = await tempContext(path.join(root, "data"), started.env);
    for (const [name, role] of [
      ["boss", "admin"],
      ["bob", "operator"],
      ["carol", "operator"],
      ["dave", "viewer"],
      ["erin", "viewer"],
    ] as const)
      ids[name] = (await ctx.users.add(name, `${name}-password-1`, role)).id;
    app = await buildWebApp(ctx, { logger: false });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
    await stopEngine();
  });

  const login = async (name: string, password = `${name}-password-1`): Promise<Session | number> => {
    // Each login from its own address: the per-address login limit is not what is tested here.
    const remoteAddress = `10.7.${Math.floor(++logins / 250)}.${logins % 250}`;
    const r = await app.inject({
      method: "POST",
      url: "/api/login",
      remoteAddress,
      payload: { name, password },
    });
    if (r.statusCode !== 200) return r.statusCode;
    return { cookie: String(r.headers["set-cookie"]).split(";")[0], csrf: r.json().csrf };
  };
  const session = async (name: string, password?: string) => {
    const s = await login(name, password);
    if (typeof s === "number") throw new Error(`login ${name}: ${s}`);
    return s;
  };
  const whoIs = async (s: Session) =>
    (await app.inject({ method: "GET", url: "/api/me", headers: { cookie: s.cookie } })).json().user?.name ??
    null;
  const call = (s: Session, method: "POST" | "PATCH" | "DELETE", url: string, payload?: object) =>
    app.inject({ method, url, headers: { cookie: s.cookie, "x-csrf-token": s.csrf }, payload });
  const sessionsOf = async (name: string) =>
    (await ctx.store.db.selectFrom("sessions").select("user_id").where("user_id", "=", ids[name]).execute())
      .length;

  it("an admin's password reset ends every session of that user, and only theirs", async () => {
    const boss = await session("boss");
    const bob1 = await session("bob");
    const bob2 = await session("bob");
    const carol = await session("carol");
    expect(await whoIs(bob1)).toBe("bob");
    const r = await call(boss, "PATCH", `/api/users/${ids.bob}`, { password: "bob-password-2" });
    expect(r.statusCode).toBe(200);
    expect(await whoIs(bob1)).toBeNull();
    expect(await whoIs(bob2)).toBeNull();
    expect(await sessionsOf("bob")).toBe(0);
    // A change needs a live session: the old one's CSRF token no longer opens anything either.
    expect((await call(bob1, "POST", "/api/jobs/1/rerun")).statusCode).toBe(401);
    expect(await whoIs(boss)).toBe("boss");
    expect(await whoIs(carol)).toBe("carol");
    expect(await login("bob")).toBe(401);
    expect(await whoIs(await session("bob", "bob-password-2"))).toBe("bob");
  });

  it("a user's own password change keeps the session it was made from and ends the others", async () => {
    const here = await session("erin");
    const elsewhere = await session("erin");
    const wrong = await call(here, "POST", "/api/me/password", {
      current: "guess",
      password: "erin-password-2",
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe("wrong-password");
    expect(await whoIs(elsewhere)).toBe("erin"); // nothing changed
    const short = await call(here, "POST", "/api/me/password", {
      current: "erin-password-1",
      password: "short",
    });
    expect(short.statusCode).toBe(400);
    const ok = await call(here, "POST", "/api/me/password", {
      current: "erin-password-1",
      password: "erin-password-2",
    });
    expect(ok.statusCode).toBe(200);
    expect(await whoIs(here)).toBe("erin");
    expect(await whoIs(elsewhere)).toBeNull();
    expect(await sessionsOf("erin")).toBe(1);
    expect(await login("erin")).toBe(401);
    expect(typeof (await login("erin", "erin-password-2"))).toBe("object");
    const audit = await ctx.store.db
      .selectFrom("audit")
      .select("action")
      .where("user_name", "=", "erin")
      .where("action", "like", "password.%")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["password.change-refused", "password.change"]);
  });

  it("an admin changing their own password or role keeps the current session only", async () => {
    const here = await session("boss");
    const other = await session("boss");
    expect(
      (await call(here, "PATCH", `/api/users/${ids.boss}`, { password: "boss-password-2" })).statusCode,
    ).toBe(200);
    expect(await whoIs(here)).toBe("boss");
    expect(await whoIs(other)).toBeNull();
  });

  it("demotion ends the sessions (the old role cannot be used any more); the same role changes nothing", async () => {
    const boss = await session("boss", "boss-password-2");
    const carol = await session("carol");
    expect((await call(boss, "PATCH", `/api/users/${ids.carol}`, { role: "operator" })).statusCode).toBe(200);
    expect(await whoIs(carol)).toBe("carol");
    expect((await call(boss, "PATCH", `/api/users/${ids.carol}`, { role: "viewer" })).statusCode).toBe(200);
    expect(await whoIs(carol)).toBeNull();
    const again = await session("carol");
    const upload = await call(again, "POST", "/api/uploads");
    expect(upload.statusCode).toBe(403); // a viewer now
  });

  it("a disabled user is logged out and cannot log in until enabled again; an admin cannot disable themselves", async () => {
    const boss = await session("boss", "boss-password-2");
    const dave = await session("dave");
    expect((await call(boss, "PATCH", `/api/users/${ids.dave}`, { disabled: true })).statusCode).toBe(200);
    expect(await whoIs(dave)).toBeNull();
    expect(await login("dave")).toBe(401);
    const list = (
      await app.inject({ method: "GET", url: "/api/users", headers: { cookie: boss.cookie } })
    ).json();
    expect(list.find((u: { name: string }) => u.name === "dave").disabled).toBe(true);
    // A session row left behind (written by another web process just before) opens nothing either.
    const { token } = await ctx.users.createSession(ids.dave);
    expect(await ctx.users.session(token)).toBeNull();
    expect((await call(boss, "PATCH", `/api/users/${ids.dave}`, { disabled: false })).statusCode).toBe(200);
    expect(await whoIs(await session("dave"))).toBe("dave");
    const self = await call(boss, "PATCH", `/api/users/${ids.boss}`, { disabled: true });
    expect(self.statusCode).toBe(409);
    expect(await whoIs(boss)).toBe("boss");
  });

  it("a deleted user's sessions are gone", async () => {
    const boss = await session("boss", "boss-password-2");
    const dave = await session("dave");
    expect((await call(boss, "DELETE", `/api/users/${ids.dave}`)).statusCode).toBe(200);
    expect(await whoIs(dave)).toBeNull();
    expect(await sessionsOf("dave")).toBe(0);
  });

  it("a live event stream opened with a session ends when the session does", async () => {
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    const boss = await session("boss", "boss-password-2");
    const carol = await session("carol");
    const started = Date.now();
    const r = await fetch(`${address}/api/events`, { headers: { cookie: carol.cookie } });
    expect(r.status).toBe(200);
    const reader = (r.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // "retry:"
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return Date.now();
    })();
    await new Promise((res) => setTimeout(res, 500));
    expect(
      (await call(boss, "PATCH", `/api/users/${ids.carol}`, { password: "carol-password-2" })).statusCode,
    ).toBe(200);
    const at = await Promise.race([ended, new Promise<number>((res) => setTimeout(() => res(-1), 10_000))]);
    expect(at, "stream still open 10 s after the reset").toBeGreaterThan(0);
    expect(at - started).toBeLessThan(10_000);
  });

  it("the command-line password reset ends the sessions too", async () => {
    const bob = await session("bob", "bob-password-2");
    expect(await ctx.users.setPassword("bob", "bob-password-3")).toBe(true);
    expect(await whoIs(bob)).toBeNull();
  });
});
