// Admin: preview a bureau's folder and file-name rules against a past job before saving them.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Analysis } from "../../analysis/types.ts";
import type { AppContext } from "../../app/context.ts";
import { bureauSchema } from "../../config/settings-schema.ts";
import { previewRule } from "../../rules/index.ts";
import { requireRole } from "../auth.ts";
import { parseOr400 } from "../validate.ts";

const body = z.strictObject({
  jobId: z.number().int().positive(),
  /** The bureau as edited (unsaved): its folder, fileName and plateFolders are what is previewed. */
  bureau: bureauSchema,
});

export async function rulesRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post("/api/rules/preview", { preHandler: requireRole("admin") }, async (req, reply) => {
    const b = parseOr400(body, req.body, reply);
    if (!b) return;
    const job = await ctx.jobs.get(b.jobId);
    if (!job?.analysis)
      return reply
        .code(404)
        .send({ error: { code: "not-found", message: `Job #${b.jobId} has no analysis.` } });
    const analysis = JSON.parse(job.analysis) as Analysis;
    const stored = await ctx.settings();
    // The edited bureau stands in for the stored one, and the job is previewed as sent to it.
    const settings = {
      presses: stored.presses,
      bureaus: [...stored.bureaus.filter((x) => x.name !== b.bureau.name), b.bureau],
    };
    const asBureau: Analysis = { ...analysis, bureau: b.bureau.name };
    const opts = { settings, originalName: job.file_name, date: new Date(job.file_date) };
    return {
      job: { id: job.id, file: job.file_name },
      folder: previewRule(b.bureau.folder, asBureau, { ...opts, kind: "folder" }),
      fileName: previewRule(b.bureau.fileName, asBureau, { ...opts, kind: "name" }),
    };
  });
}
