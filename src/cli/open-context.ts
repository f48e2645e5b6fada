// Commands that touch the journal open the same context as the server, with logs on stderr only:
// `withJournal` the store and settings alone (status, config, user), `withContext` also the queue,
// the events and the delivery service (enqueue).
import type { Logger } from "pino";
import type { AppContext } from "../app/context.ts";
import type { JournalContext } from "../app/journal.ts";
import { readRuntime } from "../config/runtime.ts";

async function cliLogger(): Promise<Logger> {
  const { default: pino } = await import("pino");
  return pino({ level: process.env.LOG_LEVEL ?? "warn" }, pino.destination(2));
}

async function using<C extends { close(): Promise<void> }, T>(
  ctx: C,
  fn: (ctx: C) => Promise<T>,
): Promise<T> {
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

export async function withJournal<T>(fn: (ctx: JournalContext) => Promise<T>): Promise<T> {
  const { openJournal } = await import("../app/journal.ts");
  return using(await openJournal(readRuntime(), await cliLogger()), fn);
}

export async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const { createContext } = await import("../app/context.ts");
  return using(await createContext(readRuntime(), await cliLogger()), fn);
}
