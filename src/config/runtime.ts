// Process-level configuration from the environment (not the shop's settings, which live in the DB).
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface Runtime {
  dataDir: string;
  port: number;
  host: string;
  /** `postgres://…` switches the store to PostgreSQL; otherwise SQLite at `<data>/pdfupload.db`. */
  databaseUrl: string | null;
  /** `redis://…` switches the queue to BullMQ; otherwise the embedded DB-backed queue. */
  redisUrl: string | null;
  concurrency: number;
  adminPassword: string | null;
  configFile: string | null;
  logLevel: string;
  /** Seconds a file must stay unchanged before intake takes it. */
  stableSec: number;
  incompleteSec: number;
  /** Seconds between full rescans of the hot folders. */
  rescanSec: number;
  /** A job running longer than this is stopped and failed. */
  jobTimeoutSec: number;
  /** How often a job waiting for disk space looks again. */
  diskWaitSec: number;
  /** BullMQ: a worker's hold on a job; a killed worker's job goes to another after about this long. */
  queueLockSec: number;
  /** Who may read /metrics: `local` (loopback, not through a proxy, or an admin), `open`, `admin`. */
  metricsAccess: "local" | "open" | "admin";
  /** A bearer token that also opens /metrics (for a Prometheus on another machine). */
  metricsToken: string | null;
  /** PostgreSQL connections per process (workers × this must fit max_connections). */
  dbPoolMax: number;
  /** The reverse proxies whose X-Forwarded-For entries we believe (see src/web/trusted-proxy.ts). */
  trustedProxies: TrustedProxies;
}

export interface TrustedProxies {
  /** Proxy addresses or CIDR ranges, e.g. `127.0.0.1`, `10.0.0.0/8`, `::1`. */
  addresses: string[];
  /** How many proxies stand between the client and us (nginx alone: 1). 0: no proxy. */
  hops: number;
}

/** `PDFUPLOAD_TRUSTED_PROXIES` (comma-separated, default this machine) and `PDFUPLOAD_PROXY_HOPS` (default 1). */
function readTrustedProxies(env: NodeJS.ProcessEnv): TrustedProxies {
  const addresses = (env.PDFUPLOAD_TRUSTED_PROXIES ?? "127.0.0.1,::1")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const a of addresses) {
    const [addr, bits] = a.split("/");
    const max = net.isIP(addr) === 6 ? 128 : 32;
    const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= max);
    if (!net.isIP(addr) || !okBits)
      throw new Error(`PDFUPLOAD_TRUSTED_PROXIES: "${a}" is not an IP address or CIDR range`);
  }
  const raw = env.PDFUPLOAD_PROXY_HOPS;
  const hops = raw === undefined || raw === "" ? 1 : Number(raw);
  if (!Number.isInteger(hops) || hops < 0)
    throw new Error(`PDFUPLOAD_PROXY_HOPS must be a whole number (0 or more), not "${raw}"`);
  return { addresses, hops };
}

function num(v: string | undefined, fallback: number): number {
  const n = v === undefined || v === "" ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : fallback;
}

export function readRuntime(env: NodeJS.ProcessEnv = process.env): Runtime {
  return {
    dataDir: path.resolve(env.PDFUPLOAD_DATA || "data"),
    port: num(env.PORT, 8080),
    host: env.HOST || "127.0.0.1",
    databaseUrl: env.DATABASE_URL || null,
    redisUrl: env.REDIS_URL || null,
    // One job more than cores: the heavy passes of all jobs share one slot per core (render/cpu-slots.ts),
    // and the extra job does its light steps (hash, analysis, archive, journal) while the others render,
    // so no core waits for the next job to reach its render.
    concurrency: Math.max(1, num(env.PDFUPLOAD_CONCURRENCY, os.availableParallelism() + 1)),
    adminPassword: env.PDFUPLOAD_ADMIN_PASSWORD || null,
    configFile: env.PDFUPLOAD_CONFIG || null,
    logLevel: env.LOG_LEVEL || "info",
    stableSec: num(env.PDFUPLOAD_STABLE_SEC, 2),
    /** An unchanged but incomplete file (0 bytes, no PDF end marker) is taken and refused after this long. */
    incompleteSec: num(env.PDFUPLOAD_INCOMPLETE_SEC, 60),
    rescanSec: num(env.PDFUPLOAD_RESCAN_SEC, 30),
    jobTimeoutSec: num(env.PDFUPLOAD_JOB_TIMEOUT_SEC, 3600),
    diskWaitSec: Math.max(0.2, num(env.PDFUPLOAD_DISK_WAIT_SEC, 15)),
    queueLockSec: Math.max(1, num(env.PDFUPLOAD_QUEUE_LOCK_SEC, 30)),
    metricsAccess:
      env.PDFUPLOAD_METRICS === "open" || env.PDFUPLOAD_METRICS === "admin" ? env.PDFUPLOAD_METRICS : "local",
    metricsToken: env.PDFUPLOAD_METRICS_TOKEN || null,
    dbPoolMax: Math.max(1, num(env.PDFUPLOAD_DB_POOL, 10)),
    trustedProxies: readTrustedProxies(env),
  };
}

/** The data directory's layout. Nothing is deleted until it is safely elsewhere. */
export interface DataPaths {
  root: string;
  input: string;
  work: string;
  archive: string;
  quarantine: string;
  proofs: string;
  uploads: string;
  keyFile: string;
  sqlite: string;
}

export function dataPaths(root: string): DataPaths {
  return {
    root,
    input: path.join(root, "input"),
    work: path.join(root, "work"),
    archive: path.join(root, "archive"),
    quarantine: path.join(root, "quarantine"),
    proofs: path.join(root, "proofs"),
    uploads: path.join(root, "uploads"),
    keyFile: path.join(root, "secret.key"),
    sqlite: path.join(root, "pdfupload.db"),
  };
}
