// Live updates for the journal and job pages (server-sent events).
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import { journalReader } from "../auth.ts";

export async function eventsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Open streams end on shutdown, else the server would wait for the browsers to leave (the
  // EventSource reconnects to whichever web process is up).
  const open = new Set<import("node:http").ServerResponse>();
  app.addHook("preClose", async () => {
    for (const res of open) res.end();
  });
  app.get("/api/events", { preHandler: journalReader(ctx) }, (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    open.add(res);
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      // nginx: do not buffer the stream.
      "x-accel-buffering": "no",
    });
    res.write("retry: 2000\n\n");
    const off = ctx.events.on((e) => res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`));
    const ping = setInterval(() => res.write(": ping\n\n"), 15_000);
    req.raw.on("close", () => {
      open.delete(res);
      off();
      clearInterval(ping);
    });
  });
}
