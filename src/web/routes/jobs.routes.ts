// The journal over HTTP: list with filters and totals, one job in full, its files, re-run, make
// missing outputs, pick the bureau of a job that waits for one, send again, delete, and corrections
// of a wrongly detected press or bureau.
import fs from "node:fs";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Analysis } from "../../analysis/types.ts";
import type { AppContext } from "../../app/context.ts";
import type { TimelineEntry } from "../../store/jobs.repository.ts";
import { type DeliveryRow, type JobFilter, type JobRow, jobView } from "../../store/jobs.repository.ts";
import { JOB_STATUSES, type JobStatus } from "../../store/schema.ts";
import { findByName } from "../../util/names.ts";
import { note, noteFromColumn, noteList } from "../../util/note.ts";
import { journalReader, requireRole } from "../auth.ts";
import { hideWarningPaths } from "../hide-paths.ts";
import { parseOr400 } from "../validate.ts";

/** An empty query parameter (`from=` from a cleared form) means "not given". */
const blank = <T extends z.ZodType>(t: T) => z.preprocess((v) => (v === "" ? undefined : v), t.optional());
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}/, "a date like 2026-11-25");

export const jobFilterSchema = z.object({
  from: blank(day),
  to: blank(day),
  press: blank(z.string()),
  bureau: blank(z.string()),
  q: blank(z.string().max(200)),
  status: blank(z.enum(JOB_STATUSES as [JobStatus, ...JobStatus[]])),
  /** `attention=1`: only jobs that need a look. */
  attention: blank(z.enum(["0", "1"]).transform((v) => v === "1")),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  order: z.enum(["asc", "desc"]).default("desc"),
});

const idParams = z.object({ id: z.coerce.number().int().positive() });

/** A job as the API gives it: the engine's reasons in its warnings do not say where the server keeps files. */
function clientJob(row: JobRow, deliveries?: DeliveryRow[]) {
  const view = jobView(row, deliveries);
  return { ...view, warnings: hideWarningPaths(view.warnings) };
}

export function toFilter(q: z.infer<typeof jobFilterSchema>): JobFilter {
  return { ...q, ascending: q.order === "asc" };
}

export async function jobsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const read = journalReader(ctx);

  app.get("/api/jobs", { preHandler: read }, async (req, reply) => {
    const q = parseOr400(jobFilterSchema, req.query, reply);
    if (!q) return;
    const filter = toFilter(q);
    const [{ total, rows }, totals] = await Promise.all([ctx.jobs.list(filter), ctx.jobs.totals(filter)]);
    const deliveries = await ctx.jobs.deliveriesFor(rows.map((r) => r.id));
    return {
      total,
      limit: q.limit,
      offset: q.offset,
      totals,
      jobs: rows.map((r) => clientJob(r, deliveries.get(r.id))),
    };
  });

  app.get("/api/jobs/:id", { preHandler: read }, async (req, reply) => {
    const p = parseOr400(idParams, req.params, reply);
    if (!p) return;
    const row = await ctx.jobs.get(p.id);
    if (!row) return reply.code(404).send({ error: { code: "not-found", message: `No job #${p.id}.` } });
    const [deliveries, notifications, log] = await Promise.all([
      ctx.jobs.deliveries(p.id),
      ctx.jobs.notifications(p.id),
      ctx.jobs.logLines(p.id),
    ]);
    return {
      ...clientJob(row, deliveries),
      notifications: notifications.map((n) => ({
        event: n.event,
        recipient: n.recipient,
        channel: n.channel,
        ok: !!n.ok,
        reply: n.reply,
        error: n.error,
        at: n.created_at,
      })),
      log,
    };
  });

  // Proofs, thumbnails and the preview: only names the job's outputs list, never a free path.
  app.get("/api/jobs/:id/files/:name", { preHandler: read }, async (req, reply) => {
    const p = parseOr400(idParams.extend({ name: z.string() }), req.params, reply);
    if (!p) return;
    const row = await ctx.jobs.get(p.id);
    const outputs = row?.outputs
      ? (JSON.parse(row.outputs) as {
          preview?: string;
          pages?: { proof: string; thumbnail: string; ppf?: string }[];
        })
      : null;
    const allowed = new Set<string>(
      [outputs?.preview, ...(outputs?.pages ?? []).flatMap((pg) => [pg.proof, pg.thumbnail, pg.ppf])].filter(
        Boolean,
      ) as string[],
    );
    if (!allowed.has(p.name))
      return reply.code(404).send({ error: { code: "not-found", message: "No such file." } });
    const file = path.join(ctx.paths.proofs, String(p.id), p.name);
    if (!fs.existsSync(file))
      return reply.code(404).send({ error: { code: "not-found", message: "The file is gone." } });
    // The CIP3 PPF is for the press, not the browser: saved, never shown.
    if (p.name.endsWith(".ppf")) {
      reply.header("content-disposition", `attachment; filename="${p.name}"`);
      return reply.type("application/octet-stream").send(fs.createReadStream(file));
    }
    const type = p.name.endsWith(".pdf")
      ? "application/pdf"
      : p.name.endsWith(".png")
        ? "image/png"
        : "image/jpeg";
    reply.header("cache-control", "private, max-age=3600");
    return reply.type(type).send(fs.createReadStream(file));
  });

  app.post("/api/jobs/:id/rerun", { preHandler: requireRole("operator") }, async (req, reply) => {
    const p = parseOr400(idParams, req.params, reply);
    if (!p) return;
    const row = await ctx.jobs.get(p.id);
    if (!row) return reply.code(404).send({ error: { code: "not-found", message: `No job #${p.id}.` } });
    if (row.status === "processing" || row.status === "queued")
      return reply.code(409).send({ error: { code: "busy", message: "The job is still in the queue." } });
    await ctx.store.db.deleteFrom("deliveries").where("job_id", "=", p.id).execute();
    await ctx.jobs.update(p.id, {
      status: "queued",
      step: null,
      timeline: "[]",
      outputs: JSON.stringify({ force: true }),
      attempts: 0,
      error_code: null,
      error_message: null,
      duplicate_of: null,
      attention: null,
      warnings: null,
      run_after: new Date().toISOString(),
    });
    const user = req.user?.name ?? "";
    await ctx.jobs.log(p.id, "info", note("log.rerun", `re-run by ${user}`, { user }));
    await ctx.users.audit(req.user?.name ?? null, "job.rerun", { id: p.id });
    ctx.events.emit({ type: "job", id: p.id, status: "queued", step: null });
    await ctx.queue.enqueue(p.id);
    return { ok: true };
  });

  // The operator names the bureau of a job that waits for one: it goes on from planning its
  // deliveries, nothing is uploaded again and nothing already made is made again.
  app.post("/api/jobs/:id/bureau", { preHandler: requireRole("operator") }, async (req, reply) => {
    const p = parseOr400(idParams, req.params, reply);
    const body = parseOr400(z.strictObject({ bureau: z.string().min(1) }), req.body, reply);
    if (!p || !body) return;
    const row = await ctx.jobs.get(p.id);
    if (!row) return reply.code(404).send({ error: { code: "not-found", message: `No job #${p.id}.` } });
    if (row.status !== "needs-bureau")
      return reply
        .code(409)
        .send({ error: { code: "not-waiting", message: "The job is not waiting for a bureau." } });
    const bureau = findByName((await ctx.settings()).bureaus, body.bureau);
    if (!bureau)
      return reply
        .code(400)
        .send({ error: { code: "unknown-bureau", message: `No bureau named ${body.bureau}.` } });
    const analysis = JSON.parse(row.analysis as string) as Analysis;
    const before = analysis.bureau;
    const picked: Analysis = { ...analysis, bureau: bureau.name, bureauBy: "operator" };
    await ctx.jobs.update(p.id, {
      status: "queued",
      step: null,
      bureau: bureau.name,
      analysis: JSON.stringify(picked),
      error_code: null,
      error_message: null,
      attempts: 0,
      run_after: new Date().toISOString(),
    });
    const user = req.user?.name ?? "";
    await ctx.jobs.log(
      p.id,
      "info",
      note("log.bureau-picked", `bureau ${bureau.name} picked by ${user}`, { bureau: bureau.name, user }),
    );
    await ctx.users.audit(req.user?.name ?? null, "job.bureau", {
      id: p.id,
      file: row.file_name,
      before,
      after: bureau.name,
    });
    ctx.events.emit({ type: "job", id: p.id, status: "queued", step: null });
    await ctx.queue.enqueue(p.id);
    return { ok: true };
  });

  // Makes what a done job lacks (preview, proofs, inks) from its archived original and plans the
  // deliveries that were not sent (a press that got no preview); a sent delivery is not sent again.
  app.post("/api/jobs/:id/remake", { preHandler: requireRole("operator") }, async (req, reply) => {
    const p = parseOr400(idParams, req.params, reply);
    if (!p) return;
    const row = await ctx.jobs.get(p.id);
    if (!row) return reply.code(404).send({ error: { code: "not-found", message: `No job #${p.id}.` } });
    if (row.status !== "done" || !row.final_path || !row.analysis)
      return reply.code(409).send({
        error: { code: "not-done", message: "Only a done job with its original archived can be remade." },
      });
    const again = new Set(["render", "plan", "deliver"]);
    const timeline = (JSON.parse(row.timeline) as TimelineEntry[]).filter((t) => !again.has(t.step));
    await ctx.store.db
      .deleteFrom("deliveries")
      .where("job_id", "=", p.id)
      .where("state", "in", ["skipped", "failed"])
      .execute();
    await ctx.jobs.update(p.id, {
      status: "queued",
      step: null,
      timeline: JSON.stringify(timeline),
      attempts: 0,
      error_code: null,
      error_message: null,
      run_after: new Date().toISOString(),
    });
    const user = req.user?.name ?? "";
    await ctx.jobs.log(p.id, "info", note("log.remade", `missing outputs remade by ${user}`, { user }));
    await ctx.users.audit(req.user?.name ?? null, "job.remake", { id: p.id, file: row.file_name });
    ctx.events.emit({ type: "job", id: p.id, status: "queued", step: null });
    await ctx.queue.enqueue(p.id);
    return { ok: true };
  });

  app.post("/api/deliveries/:id/resend", { preHandler: requireRole("operator") }, async (req, reply) => {
    const p = parseOr400(idParams, req.params, reply);
    if (!p) return;
    const d = await ctx.jobs.delivery(p.id);
    if (!d) return reply.code(404).send({ error: { code: "not-found", message: `No delivery #${p.id}.` } });
    if (!d.local_path)
      return reply.code(409).send({
        error: { code: "nothing-to-send", message: noteFromColumn(d.error).text ?? "Nothing to send." },
      });
    await ctx.users.audit(req.user?.name ?? null, "delivery.resend", { id: p.id, job: d.job_id });
    const after = await ctx.deliveries.resend(p.id);
    return { ok: after?.state === "sent", state: after?.state, error: after?.error ?? null };
  });

  app.delete("/api/jobs/:id", { preHandler: requireRole("operator") }, async (req, reply) => {
    const p = parseOr400(idParams, req.params, reply);
    if (!p) return;
    const row = await ctx.jobs.get(p.id);
    if (!row) return reply.code(404).send({ error: { code: "not-found", message: `No job #${p.id}.` } });
    if (row.status === "processing")
      return reply.code(409).send({ error: { code: "busy", message: "The job is running." } });
    // The journal row goes; the original stays in the archive or quarantine (nothing is lost).
    await ctx.jobs.remove(p.id);
    await ctx.users.audit(req.user?.name ?? null, "job.delete", { id: p.id, file: row.file_name });
    ctx.events.emit({ type: "job", id: p.id, status: "deleted", step: null });
    return { ok: true };
  });

  app.patch("/api/jobs/:id", { preHandler: requireRole("admin") }, async (req, reply) => {
    const p = parseOr400(idParams, req.params, reply);
    const body = parseOr400(
      z.strictObject({ press: z.string().nullable().optional(), bureau: z.string().nullable().optional() }),
      req.body,
      reply,
    );
    if (!p || !body) return;
    const row = await ctx.jobs.get(p.id);
    if (!row) return reply.code(404).send({ error: { code: "not-found", message: `No job #${p.id}.` } });
    const settings = await ctx.settings();
    const patch: {
      press?: string | null;
      bureau?: string | null;
      money?: number | null;
      plate_area_m2?: number | null;
    } = {};
    if (body.press !== undefined) {
      const press = body.press === null ? null : findByName(settings.presses, body.press);
      if (body.press !== null && !press)
        return reply
          .code(400)
          .send({ error: { code: "bad-request", message: `No press named ${body.press}.` } });
      patch.press = press?.name ?? null;
      if (press && row.plates != null) {
        patch.money = Math.round(row.plates * press.plateCost * 100) / 100;
        patch.plate_area_m2 =
          Math.round(((row.plates * press.plateWidthMm * press.plateHeightMm) / 1e6) * 1e4) / 1e4;
      }
    }
    if (body.bureau !== undefined) {
      const bureau = body.bureau === null ? null : findByName(settings.bureaus, body.bureau);
      if (body.bureau !== null && !bureau)
        return reply
          .code(400)
          .send({ error: { code: "bad-request", message: `No bureau named ${body.bureau}.` } });
      patch.bureau = bureau?.name ?? null;
    }
    await ctx.jobs.update(p.id, patch);
    await ctx.users.audit(req.user?.name ?? null, "job.edit", {
      id: p.id,
      before: { press: row.press, bureau: row.bureau },
      after: patch,
    });
    const user = req.user?.name ?? "";
    // What changed as values: press and bureau names are the shop's own, shown as they are.
    const changes = noteList(
      Object.entries(patch).map(([field, value]) =>
        note("log.changed", `${field}: ${JSON.stringify(value)}`, {
          field,
          value: typeof value === "number" ? value : String(value ?? ""),
        }),
      ),
      ", ",
    );
    await ctx.jobs.log(
      p.id,
      "info",
      note("log.edited", `edited by ${user}: ${JSON.stringify(patch)}`, { user, changes }),
    );
    ctx.events.emit({ type: "job", id: p.id, status: row.status, step: row.step });
    return clientJob((await ctx.jobs.get(p.id)) ?? row);
  });
}
