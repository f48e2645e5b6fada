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
import { byteLength, NAME_MAX_BYTES } from "../../util/name-bytes.ts";
import { requireRole } from "../auth.ts";

export async function uploadsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post("/api/uploads", { preHandler: requireRole("operator") }, async (req, reply) => {
    if (!req.isMultipart())
      return reply.code(400).send({ error: { code: "bad-request", message: "Send multipart/form-data." } });
    const queued: { id: number; file: string; already: boolean }[] = [];
    const refused: { file: string; code: string }[] = [];
    for await (const part of req.files()) {
      const given = path.basename(part.filename || "upload.pdf");
      // No disk, share or bureau takes a name over 255 bytes; cutting it would deliver another name.
      if (byteLength(given) > NAME_MAX_BYTES) {
        part.file.resume(); // read past it, to the next part
        await new Promise((r) => part.file.once("end", r));
        refused.push({ file: given, code: "name-too-long" });
        continue;
      }
      // The client's name is data: one path component, no traversal.
      const name = safeComponent(given);
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
    if (!queued.length && refused.length)
      return reply.code(400).send({
        error: {
          code: "name-too-long",
          message: `The file name is longer than ${NAME_MAX_BYTES} bytes; rename the file.`,
          max: NAME_MAX_BYTES,
          refused,
        },
      });
    if (!queued.length)
      return reply.code(400).send({ error: { code: "bad-request", message: "No file in the request." } });
    return reply.code(201).send({ jobs: queued, ...(refused.length ? { refused } : {}) });
  });
}
