// Login / logout / who am I. Guessing is limited twice: per client address (the one our trusted
// proxy vouches for, see trusted-proxy.ts) and per user name (failed attempts, any address).
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { AppContext } from "../../app/context.ts";
import { isSecure, requireRole, SESSION_COOKIE } from "../auth.ts";
import { LoginThrottle } from "../login-throttle.ts";
import { parseOr400 } from "../validate.ts";

/** Per address: any 10 attempts a minute. Per user name: 10 failures in 15 minutes. */
export const LOGIN_LIMITS = {
  perAddress: { max: 10, timeWindow: "1 minute" },
  perName: { max: 10, windowMs: 15 * 60_000 },
};

export async function authRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const byName = new LoginThrottle(LOGIN_LIMITS.perName);
  app.post("/api/login", { config: { rateLimit: LOGIN_LIMITS.perAddress } }, async (req, reply) => {
    const body = parseOr400(
      z.object({ name: z.string().min(1), password: z.string().min(1) }),
      req.body,
      reply,
    );
    if (!body) return;
    // Refused before the password is looked at: a guess past the limit learns nothing.
    const wait = byName.retryAfterSec(body.name);
    if (wait > 0) {
      await ctx.users.audit(body.name, "login.throttled", { ip: req.ip });
      return reply
        .code(429)
        .header("retry-after", String(wait))
        .send({
          error: {
            code: "login-throttled",
            message: `Too many failed logins for this user; try again in ${Math.ceil(wait / 60)} min.`,
          },
        });
    }
    const user = await ctx.users.check(body.name, body.password);
    if (!user) {
      byName.failed(body.name);
      await ctx.users.audit(body.name, "login.failed", { ip: req.ip });
      return reply.code(401).send({ error: { code: "bad-login", message: "Wrong user name or password." } });
    }
    byName.succeeded(body.name);
    const { token, csrf } = await ctx.users.createSession(user.id);
    reply.setCookie(SESSION_COOKIE, token, {
      path: "/",
      httpOnly: true,
      sameSite: "lax",
      secure: isSecure(req),
      maxAge: 14 * 24 * 3600,
    });
    await ctx.users.audit(user.name, "login", { ip: req.ip });
    return { user, csrf };
  });

  app.post("/api/logout", async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await ctx.users.endSession(token);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return { ok: true };
  });

  // A user changes their own password: the current one is asked again (a session left open on a
  // shared machine is not enough), every other session of theirs ends.
  app.post("/api/me/password", { preHandler: requireRole("viewer") }, async (req, reply) => {
    const body = parseOr400(
      z.object({ current: z.string().min(1), password: z.string().min(8) }),
      req.body,
      reply,
    );
    const user = req.user;
    if (!body || !user) return;
    if (!(await ctx.users.check(user.name, body.current))) {
      await ctx.users.audit(user.name, "password.change-refused", { ip: req.ip });
      return reply
        .code(403)
        .send({ error: { code: "wrong-password", message: "The current password is wrong." } });
    }
    await ctx.users.setPassword(user.name, body.password, req.cookies[SESSION_COOKIE]);
    await ctx.users.audit(user.name, "password.change", { ip: req.ip });
    return { ok: true };
  });

  app.get("/api/me", async (req) => {
    const s = await ctx.settings();
    const shop = { journalPrivate: s.journal.private, currency: s.journal.currency };
    if (!req.user) return { user: null, csrf: null, ...shop };
    const { csrf, ...user } = req.user;
    return { user, csrf, ...shop };
  });
}
