// Health for monitors and the seed's "is it alive" checks: version, database, queue and disk state.
// A full disk is "degraded" with 200 (the server is alive and jobs wait); a database that does not
// answer is 503. With a private journal, anonymous callers learn only whether it is alive: queue
// counts tell an outsider how busy the shop is.
import type { FastifyInstance } from "fastify";
import pkg from "../../../package.json" with { type: "json" };
import type { AppContext } from "../../app/context.ts";
import { diskReport } from "../../app/disk-report.ts";
import { readQuarantineNotice } from "../../files/quarantine-retention.ts";
import { hasRole } from "../auth.ts";
import { hidePaths } from "../hide-paths.ts";

export async function healthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get("/api/health", async (req, reply) => {
    let db: { engine: string; ok: boolean; error?: string } = { engine: ctx.store.engine, ok: true };
    let counts: Record<string, number> | null = null;
    try {
      counts = await ctx.jobs.counts();
    } catch (e) {
      db = { engine: ctx.store.engine, ok: false, error: hidePaths((e as Error).message) };
    }
    if (!db.ok) reply.code(503);
    const disk = await diskReport(ctx.paths, ctx.jobs, ctx.store.engine);
    const s = await ctx.settings().catch(() => null); // unknown settings: closed
    const open = hasRole(req, "viewer") || (s !== null && !s.journal.private);
    if (!open)
      return { status: db.ok && !disk.full ? "ok" : "degraded", version: pkg.version, db: { ok: db.ok } };
    // Quarantined originals announced for removal (quarantine-retention.ts): a warning to act on.
    const notice = await readQuarantineNotice(ctx.paths);
    const due = Object.values(notice.noticed).map((n) => n.at);
    const noticeMs = (s?.journal.quarantineNoticeHours ?? 0) * 3600_000;
    return {
      status: db.ok && !disk.full ? "ok" : "degraded",
      version: pkg.version,
      db,
      queue: { kind: ctx.queue.kind, active: ctx.queue.active(), counts },
      quarantine: {
        toRemove: due.length,
        firstRemovalAt: due.length
          ? new Date(Math.min(...due.map(Date.parse)) + noticeMs).toISOString()
          : null,
      },
      disk,
    };
  });
}
