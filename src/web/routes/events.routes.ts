// Live updates for the journal and job pages (server-sent events).
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../app/context.ts";
import { journalReader, SESSION_COOKIE } from "../auth.ts";

/** How often a stream opened with a login checks that its session still lives. */
const SESSION_CHECK_MS = 5_000;

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
    // A stream opened with a session ends with it (logout elsewhere, password reset, demotion,
    // disabling): the browser reconnects and is asked to log in if the journal is private.
    const token = req.user ? req.cookies[SESSION_COOKIE] : undefined;
    const check = token
      ? setInterval(async () => {
          const u = await ctx.users.session(token).catch(() => undefined);
          if (u === null || (u && u.role !== req.user?.role)) res.end();
        }, SESSION_CHECK_MS)
      : null;
    const done = () => {
      open.delete(res);
      off();
      clearInterval(ping);
      if (check) clearInterval(check);
    };
    req.raw.on("close", done);
    res.on("close", done);
  });
}
