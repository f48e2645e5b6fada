// Live events across processes: when web, workers and watchers run apart, a job's progress in a
// worker must reach the browsers connected to the web process. Same interface as EventBus; every
// event is delivered locally at once and published to the other processes through a transport
// (Redis pub/sub when REDIS_URL is set, else PostgreSQL LISTEN/NOTIFY). Each process skips its
// own echoes by an origin id.
import crypto from "node:crypto";
import type { Logger } from "pino";
import { EventBus, type LiveEvent } from "./event-bus.ts";

export const EVENTS_CHANNEL = "pdfupload_events";
/** PostgreSQL's NOTIFY payload must stay under 8000 bytes. */
const MAX_MSG = 2000;

export interface EventTransport {
  readonly kind: "redis" | "postgres";
  publish(payload: string): Promise<void>;
  subscribe(onMessage: (payload: string) => void): Promise<void>;
  close(): Promise<void>;
}

export class SharedEventBus extends EventBus {
  private readonly origin = crypto.randomBytes(6).toString("hex");
  private subscribed: Promise<void> | null = null;

  constructor(
    private readonly transport: EventTransport,
    private readonly logger: Logger,
  ) {
    super();
  }

  /**
   * Starts listening to the other processes. Called on the first listener: workers only publish,
   * so with many workers the broker does not fan every event out to processes that ignore it.
   */
  start(): Promise<void> {
    this.subscribed ??= this.subscribe().catch((e) => {
      this.subscribed = null;
      this.logger.warn({ err: e }, "events: could not listen to other processes");
    });
    return this.subscribed;
  }

  override on(listener: (e: LiveEvent) => void): () => void {
    void this.start();
    return super.on(listener);
  }

  private async subscribe(): Promise<void> {
    await this.transport.subscribe((payload) => {
      try {
        const m = JSON.parse(payload) as { o: string; e: LiveEvent };
        if (m.o !== this.origin) super.emit(m.e);
      } catch {
        // Not ours or damaged: ignore.
      }
    });
  }

  override emit(e: LiveEvent): void {
    super.emit(e);
    const sent =
      e.type === "log" && e.msg.length > MAX_MSG ? { ...e, msg: `${e.msg.slice(0, MAX_MSG)}…` } : e;
    this.transport.publish(JSON.stringify({ o: this.origin, e: sent })).catch((err) => {
      this.logger.debug({ err }, "events: could not publish to other processes");
    });
  }

  get kind(): EventTransport["kind"] {
    return this.transport.kind;
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

export async function redisTransport(url: string, logger: Logger): Promise<EventTransport> {
  const { Redis } = await import("ioredis");
  const pub = new Redis(url, { maxRetriesPerRequest: 2 });
  const sub = new Redis(url, { maxRetriesPerRequest: null });
  for (const c of [pub, sub]) c.on("error", (e) => logger.warn({ err: e }, "events: redis connection error"));
  return {
    kind: "redis",
    async publish(payload) {
      await pub.publish(EVENTS_CHANNEL, payload);
    },
    async subscribe(onMessage) {
      sub.on("message", (_ch: string, msg: string) => onMessage(msg));
      await sub.subscribe(EVENTS_CHANNEL);
    },
    async close() {
      pub.disconnect();
      sub.disconnect();
    },
  };
}

/** LISTEN on one dedicated connection (reconnected if it drops); NOTIFY through the pool. */
export async function postgresTransport(url: string, logger: Logger): Promise<EventTransport> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  let queue: Promise<void> = Promise.resolve();
  let client: InstanceType<typeof pg.Client> | null = null;
  let closed = false;
  let handler: ((payload: string) => void) | null = null;
  const listen = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on("notification", (n) => {
      if (n.channel === EVENTS_CHANNEL && n.payload && handler) handler(n.payload);
    });
    c.on("error", (e) => {
      logger.warn({ err: e }, "events: LISTEN connection lost, reconnecting");
      c.end().catch(() => {});
      if (!closed) setTimeout(() => listen().catch(() => {}), 1000);
    });
    await c.connect();
    await c.query(`LISTEN ${EVENTS_CHANNEL}`);
    client = c;
  };
  pool.on("error", (e) => logger.warn({ err: e }, "events: postgres pool error"));
  return {
    kind: "postgres",
    publish(payload) {
      // One NOTIFY after the other: two pool connections could commit them out of order.
      const sent = queue
        .then(() => pool.query("select pg_notify($1, $2)", [EVENTS_CHANNEL, payload]))
        .then(() => {});
      queue = sent.catch(() => {});
      return sent;
    },
    async subscribe(onMessage) {
      handler = onMessage;
      await listen();
    },
    async close() {
      closed = true;
      await client?.end().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}

/** The bus for this process: shared when there is something to share through, else in-process. */
export async function createEventBus(o: {
  redisUrl: string | null;
  databaseUrl: string | null;
  logger: Logger;
}): Promise<EventBus & { close?: () => Promise<void> }> {
  let transport: EventTransport | null = null;
  if (o.redisUrl) transport = await redisTransport(o.redisUrl, o.logger);
  else if (o.databaseUrl?.startsWith("postgres"))
    transport = await postgresTransport(o.databaseUrl, o.logger);
  if (!transport) return new EventBus();
  return new SharedEventBus(transport, o.logger);
}
