// Zod schemas on every route's input; a bad request gets every problem listed.
import type { FastifyReply } from "fastify";
import type { z } from "zod";

export function parseOr400<T extends z.ZodType>(
  schema: T,
  value: unknown,
  reply: FastifyReply,
): z.infer<T> | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  reply.code(400).send({
    error: {
      code: "bad-request",
      message: "The request is not valid.",
      problems: r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    },
  });
  return undefined;
}
