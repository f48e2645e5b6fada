// Health for monitors and the seed's "is it alive" checks: version, database and queue state.
import type { FastifyInstance } from "fastify";
import pkg from "../../../package.json" with { type: "json" };
import type { AppContext } from "../../app/context.ts";

export async function healthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get("/api/health", async (_req, reply) => {
    let db: { engine: string; ok: boolean; error?: string } = { engine: ctx.store.engine, ok: true };
    let counts: Record<string, number> | null = null;
    try {
      counts = await ctx.jobs.counts();
    } catch (e) {
      db = { engine: ctx.store.engine, ok: false, error: (e as Error).message };
    }
    if (!db.ok) reply.code(503);
    return {
      status: db.ok ? "ok" : "degraded",
      version: pkg.version,
      db,
      queue: { kind: ctx.queue.kind, active: ctx.queue.active(), counts },
    };
  });
}
