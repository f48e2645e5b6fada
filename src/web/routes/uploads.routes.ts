// Intake over HTTP: multipart files streamed to disk, then queued like a hot-folder drop.
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import { safeComponent } from "../../files/move.ts";
import { acceptFile } from "../../intake/accept-file.ts";
import { requireRole } from "../auth.ts";

export async function uploadsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post("/api/uploads", { preHandler: requireRole("operator") }, async (req, reply) => {
    if (!req.isMultipart())
      return reply.code(400).send({ error: { code: "bad-request", message: "Send multipart/form-data." } });
    const queued: { id: number; file: string; already: boolean }[] = [];
    for await (const part of req.files()) {
      // The client's name is data: one path component, no traversal.
      const name = safeComponent(path.basename(part.filename || "upload.pdf"));
      const dir = path.join(ctx.paths.uploads, crypto.randomBytes(8).toString("hex"));
      await fsp.mkdir(dir, { recursive: true });
      const file = path.join(dir, name);
      try {
        await pipeline(part.file, fs.createWriteStream(file));
        if (part.file.truncated) throw Object.assign(new Error("file too large"), { statusCode: 413 });
      } catch (e) {
        await fsp.rm(dir, { recursive: true, force: true }); // only a partial upload is thrown away
        throw e;
      }
      const r = await acceptFile(ctx, { file, name, source: `upload:${req.user?.name}`, move: true });
      queued.push({ id: r.job.id, file: r.job.file_name, already: r.already });
      // Empty once the file moved to work/; if the move must be retried the file stays here.
      await fsp.rmdir(dir).catch(() => {});
    }
    if (!queued.length)
      return reply.code(400).send({ error: { code: "bad-request", message: "No file in the request." } });
    return reply.code(201).send({ jobs: queued });
  });
}
