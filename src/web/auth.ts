// Sessions (HttpOnly cookie), roles and CSRF: every change needs a login and the session's CSRF
// token in the `x-csrf-token` header, so another site cannot post on a user's behalf.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../app/context.ts";
import type { Role, User } from "../store/users.repository.ts";

export const SESSION_COOKIE = "pdfupload_session";
const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

declare module "fastify" {
  interface FastifyRequest {
    user: (User & { csrf: string }) | null;
  }
}

export async function loadUser(ctx: AppContext, req: FastifyRequest): Promise<void> {
  const token = req.cookies[SESSION_COOKIE];
  req.user = token ? await ctx.users.session(token) : null;
}

export function hasRole(req: FastifyRequest, role: Role): boolean {
  return !!req.user && RANK[req.user.role] >= RANK[role];
}

/** A preHandler that lets a request through only with at least `role` (and CSRF on changes). */
export function requireRole(role: Role) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.user)
      return reply.code(401).send({ error: { code: "login-required", message: "Log in first." } });
    if (!hasRole(req, role))
      return reply.code(403).send({ error: { code: "forbidden", message: `This needs the ${role} role.` } });
    if (req.method !== "GET" && req.method !== "HEAD" && req.headers["x-csrf-token"] !== req.user.csrf)
      return reply
        .code(403)
        .send({ error: { code: "csrf", message: "Missing or wrong CSRF token; reload the page." } });
  };
}

/** Journal reads: open unless the admin made the journal private. */
export function journalReader(ctx: AppContext) {
  const viewer = requireRole("viewer");
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const s = await ctx.settings();
    if (s.journal.private) return viewer(req, reply);
  };
}

export function isSecure(req: FastifyRequest): boolean {
  return req.protocol === "https";
}
