// Structured logs (pino): JSON lines for machines, pretty one-liners when a person watches a terminal.
import pino, { type Logger } from "pino";

export function createLogger(level = "info", pretty = process.stdout.isTTY): Logger {
  if (pretty) {
    return pino({
      level,
      transport: {
        target: "pino-pretty",
        options: { translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" },
      },
    });
  }
  return pino({ level });
}
