// Live events between processes over each transport: Redis pub/sub and PostgreSQL LISTEN/NOTIFY
// (for an installation with PostgreSQL but no Redis). Two buses stand for two processes.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveEvent } from "../../src/events/event-bus.ts";
import { postgresTransport, redisTransport, SharedEventBus } from "../../src/events/shared-event-bus.ts";
import { startPostgres, startRedis, type TestServer } from "../helpers/servers.ts";
import { until } from "../helpers/wait.ts";

const logger = pino({ level: "silent" });
const servers: Record<string, TestServer> = {};

beforeAll(async () => {
  [servers.postgres, servers.redis] = await Promise.all([startPostgres(), startRedis()]);
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
});

describe.each(["redis", "postgres"] as const)("shared events over %s", (kind) => {
  it("reach the other process once, in order, and never echo back; long log lines are cut", async () => {
    const open = (url: string) =>
      kind === "redis" ? redisTransport(url, logger) : postgresTransport(url, logger);
    const web = new SharedEventBus(await open(servers[kind].url), logger);
    const worker = new SharedEventBus(await open(servers[kind].url), logger);
    try {
      const atWeb: LiveEvent[] = [];
      const atWorker: LiveEvent[] = [];
      web.on((e) => atWeb.push(e));
      await web.start();
      worker.on((e) => atWorker.push(e));
      await worker.start();
      const long = "й".repeat(5000);
      for (let i = 1; i <= 20; i++) worker.emit({ type: "job", id: i, status: "processing", step: "render" });
      worker.emit({ type: "log", id: 7, at: "2026-11-25T10:00:00.000Z", level: "info", msg: long });
      await until(() => atWeb.length === 21, 10_000, "events crossed");
      expect(atWeb.slice(0, 20).map((e) => e.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const log = atWeb[20] as Extract<LiveEvent, { type: "log" }>;
      expect(log.msg.length).toBeLessThan(long.length);
      expect(log.msg.startsWith("йй")).toBe(true);
      // The worker heard its own events once (locally), not again through the broker.
      await new Promise((r) => setTimeout(r, 300));
      expect(atWorker).toHaveLength(21);
      expect((atWorker[20] as Extract<LiveEvent, { type: "log" }>).msg).toBe(long);
    } finally {
      await web.close();
      await worker.close();
    }
  });
});
