// Login / logout / who am I. Login is rate-limited per address against password guessing.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { AppContext } from "../../app/context.ts";
import { isSecure, SESSION_COOKIE } from "../auth.ts";
import { parseOr400 } from "../validate.ts";

export async function authRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post(
    "/api/login",
    { config: { rateLimit: { max: 10, timeWindow: "1 minute" } } },
    async (req, reply) => {
      const body = parseOr400(
        z.object({ name: z.string().min(1), password: z.string().min(1) }),
        req.body,
        reply,
      );
      if (!body) return;
      const user = await ctx.users.check(body.name, body.password);
      if (!user) {
        await ctx.users.audit(body.name, "login.failed", { ip: req.ip });
        return reply
          .code(401)
          .send({ error: { code: "bad-login", message: "Wrong user name or password." } });
      }
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
    },
  );

  app.post("/api/logout", async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await ctx.users.endSession(token);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return { ok: true };
  });

  app.get("/api/me", async (req) => {
    const s = await ctx.settings();
    if (!req.user) return { user: null, csrf: null, journalPrivate: s.journal.private };
    const { csrf, ...user } = req.user;
    return { user, csrf, journalPrivate: s.journal.private };
  });
}
