// Health for monitors and the seed's "is it alive" checks: version, database, queue and disk state.
// A full disk is "degraded" with 200 (the server is alive and jobs wait); a database that does not
// answer is 503.
import type { FastifyInstance } from "fastify";
import pkg from "../../../package.json" with { type: "json" };
import type { AppContext } from "../../app/context.ts";
import { diskReport } from "../../app/disk-report.ts";

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
    const disk = await diskReport(ctx.paths, ctx.jobs, ctx.store.engine);
    return {
      status: db.ok && !disk.full ? "ok" : "degraded",
      version: pkg.version,
      db,
      queue: { kind: ctx.queue.kind, active: ctx.queue.active(), counts },
      disk,
    };
  });
}
