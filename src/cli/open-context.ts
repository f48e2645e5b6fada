// Commands that touch the journal open the same context as the server, with logs on stderr only.
import pino from "pino";
import { type AppContext, createContext } from "../app/context.ts";
import { readRuntime } from "../config/runtime.ts";

export async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const runtime = readRuntime();
  const logger = pino({ level: process.env.LOG_LEVEL ?? "warn" }, pino.destination(2));
  const ctx = await createContext(runtime, logger);
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}
