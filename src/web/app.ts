// The web app as a Fastify instance (process concerns live in cli/serve.command.ts). The worker
// never loads this file.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import cookie from "@fastify/cookie";
import multipart from "@fastify/multipart";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance } from "fastify";
import type { AppContext } from "../app/context.ts";
import { loadUser } from "./auth.ts";
import { hideDataRoot, hidePaths } from "./hide-paths.ts";
import { authRoutes } from "./routes/auth.routes.ts";
import { eventsRoutes } from "./routes/events.routes.ts";
import { exportRoutes } from "./routes/export.routes.ts";
import { healthRoutes } from "./routes/health.routes.ts";
import { jobsRoutes } from "./routes/jobs.routes.ts";
import { opsRoutes } from "./routes/ops.routes.ts";
import { reportsRoutes } from "./routes/reports.routes.ts";
import { rulesRoutes } from "./routes/rules.routes.ts";
import { settingsRoutes } from "./routes/settings.routes.ts";
import { uploadsRoutes } from "./routes/uploads.routes.ts";
import { trustedProxyFn } from "./trusted-proxy.ts";

const UI_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../ui/dist");
/** Client-side pages: served the UI's index.html so links and reloads work. */
const UI_PAGES = [/^\/$/, /^\/jobs\/\d+$/, /^\/reports$/, /^\/admin(\/.*)?$/, /^\/login$/];

export async function buildWebApp(
  ctx: AppContext,
  opts: { logger?: boolean } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger === false ? false : { level: "warn" },
    // Behind nginx: the client's address and https come from X-Forwarded-*, believed only as far
    // as our own proxy hops vouch for them (a client writes the left of X-Forwarded-For itself).
    trustProxy: trustedProxyFn(ctx.runtime.trustedProxies),
    bodyLimit: 10 * 1024 * 1024,
  });
  app.decorateRequest("user", null);
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(multipart, { limits: { fileSize: 4 * 1024 * 1024 * 1024, files: 100 } });
  app.addContentTypeParser(
    ["text/plain", "application/yaml", "text/yaml"],
    { parseAs: "string" },
    (_req, body, done) => done(null, body),
  );
  // Journal answers quote step messages and logs that may name our files: shown relative to the
  // data folder (`work/12/x.pdf`), never with the server's path. Settings carry the admin's own
  // folder URLs and are left alone.
  app.addHook("onSend", async (req, reply, payload) => {
    if (typeof payload !== "string" || !req.url.startsWith("/api/") || req.url.startsWith("/api/settings"))
      return payload;
    if (!String(reply.getHeader("content-type") ?? "").includes("json")) return payload;
    return hideDataRoot(payload, ctx.paths.root);
  });
  app.addHook("onRequest", async (req, reply) => {
    await loadUser(ctx, req);
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "same-origin");
    reply.header("x-frame-options", "DENY");
    // Only our own scripts; file names and mark text can never run as script even if mis-rendered.
    // (The BullMQ dashboard brings its own inline scripts; it is admin-only.)
    if (!req.url.startsWith("/admin/queues"))
      reply.header(
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
          "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
      );
  });
  app.setErrorHandler((err: { statusCode?: number; message: string; code?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    // A server fault's message names our files and folders: it goes to the log, not to the client.
    if (status >= 500) {
      ctx.logger.error({ err, url: req.url }, "request failed");
      return reply
        .code(status)
        .send({ error: { code: "internal", message: "Server error (see the server log)." } });
    }
    reply.code(status).send({ error: { code: err.code ?? "bad-request", message: hidePaths(err.message) } });
  });

  for (const routes of [
    healthRoutes,
    authRoutes,
    jobsRoutes,
    exportRoutes,
    eventsRoutes,
    uploadsRoutes,
    reportsRoutes,
    settingsRoutes,
    opsRoutes,
    rulesRoutes,
  ])
    await routes(app, ctx);

  if (fs.existsSync(path.join(UI_DIST, "index.html"))) {
    await app.register(fastifyStatic, {
      root: UI_DIST,
      wildcard: false,
      index: false,
      maxAge: "1d",
      immutable: true,
    });
    app.get("/assets/*", (req, reply) => reply.sendFile(req.url.replace(/^\//, "").split("?")[0]));
  }
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split("?")[0];
    if (req.method === "GET" && UI_PAGES.some((p) => p.test(url))) {
      const index = path.join(UI_DIST, "index.html");
      if (fs.existsSync(index))
        return reply.header("cache-control", "no-cache").type("text/html").send(fs.readFileSync(index));
      return reply
        .type("text/html")
        .send(
          "<!doctype html><meta charset=utf-8><title>pdfupload</title><p>The web UI is not built: run <code>npm run build:ui</code>. The API is at <a href=/api/health>/api/health</a>.",
        );
    }
    reply.code(404).send({ error: { code: "not-found", message: `No route ${req.method} ${url}` } });
  });
  return app;
}
