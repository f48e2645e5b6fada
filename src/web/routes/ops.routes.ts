// Operations: Prometheus `/metrics` and, in BullMQ mode, the queue dashboard (bull-board) under
// `/admin/queues` for admins — what the seed's rq-dashboard on port 9181 was, now behind login.
// In embedded mode the queue is the journal itself, shown by the job pages.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../app/context.ts";
import { createMetrics } from "../../metrics/metrics.ts";
import { BullmqQueue } from "../../queue/bullmq-queue.ts";
import { hasRole } from "../auth.ts";

export const QUEUES_PATH = "/admin/queues";

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/**
 * Who may read /metrics. `local` (default): a client on this machine talking to us directly (no
 * proxy header: nginx adds X-Forwarded-For, so the public side never counts as local), or an
 * admin. `admin`: admins only. `open`: anyone. A bearer token (PDFUPLOAD_METRICS_TOKEN) always works.
 */
export function metricsAllowed(ctx: AppContext, req: FastifyRequest): boolean {
  const { metricsAccess, metricsToken } = ctx.runtime;
  if (metricsToken && req.headers.authorization === `Bearer ${metricsToken}`) return true;
  if (metricsAccess === "open") return true;
  if (hasRole(req, "admin")) return true;
  if (metricsAccess === "admin") return false;
  const direct = !req.headers["x-forwarded-for"] && !req.headers.forwarded && !req.headers["x-real-ip"];
  return direct && LOOPBACK.test(req.socket.remoteAddress ?? "");
}

/** Same-origin check for the dashboard's actions (it cannot send our CSRF header). */
function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (!origin)
    return req.headers["sec-fetch-site"] === undefined || req.headers["sec-fetch-site"] === "same-origin";
  try {
    const host = (req.headers["x-forwarded-host"] as string | undefined) ?? req.headers.host;
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export async function opsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const metrics = createMetrics(ctx);
  app.addHook("onClose", async () => metrics.stop());
  app.get("/metrics", async (req, reply) => {
    if (!metricsAllowed(ctx, req))
      return reply.code(403).send({
        error: { code: "forbidden", message: "Metrics are open to this machine and to admins only." },
      });
    reply.header("cache-control", "no-store");
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  if (!(ctx.queue instanceof BullmqQueue)) return;
  const { createBullBoard } = await import("@bull-board/api");
  const { BullMQAdapter } = await import("@bull-board/api/bullMQAdapter");
  const { FastifyAdapter } = await import("@bull-board/fastify");
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUES_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(ctx.queue.queue)],
    serverAdapter: serverAdapter as never, // adapter 9.10.1 vs api 9.10.2 typings differ, runtime is the same
    options: { uiConfig: { boardTitle: "pdfupload queue" } },
  });
  await app.register(
    async (scope) => {
      scope.addHook("onRequest", async (req: FastifyRequest, reply: FastifyReply) => {
        if (!req.user) {
          if (req.method === "GET" && !req.url.includes("/api/"))
            return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`);
          return reply.code(401).send({ error: { code: "login-required", message: "Log in first." } });
        }
        if (!hasRole(req, "admin"))
          return reply
            .code(403)
            .send({ error: { code: "forbidden", message: "This needs the admin role." } });
        if (req.method !== "GET" && req.method !== "HEAD" && !sameOrigin(req))
          return reply.code(403).send({ error: { code: "csrf", message: "Cross-site request refused." } });
      });
      await scope.register(serverAdapter.registerPlugin() as never);
    },
    { prefix: QUEUES_PATH },
  );
}
