// Opens the journal database: SQLite file by default, PostgreSQL when DATABASE_URL says so.
import fs from "node:fs";
import path from "node:path";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import { migrate } from "./migrations.ts";
import type { DB } from "./schema.ts";

export interface Store {
  db: Kysely<DB>;
  engine: "sqlite" | "postgres";
  close(): Promise<void>;
}

export async function openStore(opts: {
  databaseUrl?: string | null;
  sqlitePath: string;
  poolMax?: number;
}): Promise<Store> {
  if (opts.databaseUrl?.startsWith("postgres")) {
    const { default: pg } = await import("pg");
    // Bigint counts come back as strings by default; our counts fit in a double.
    pg.types.setTypeParser(20, (v: string) => Number(v));
    // Per process; many workers × this must stay under max_connections (or go through PgBouncer).
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolMax ?? 10 });
    // An idle connection dropped by the server (restart, failover) must not crash the process;
    // the pool opens a new one on the next query.
    pool.on("error", () => {});
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    await migrate(db as Kysely<unknown>, "postgres");
    return { db, engine: "postgres", close: () => db.destroy() };
  }
  const { default: Database } = await import("better-sqlite3");
  fs.mkdirSync(path.dirname(opts.sqlitePath), { recursive: true });
  const sqlite = new Database(opts.sqlitePath);
  // WAL lets the web read while a worker writes; busy_timeout rides out short locks from other processes.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 10000");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("synchronous = NORMAL");
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrate(db as Kysely<unknown>, "sqlite");
  return { db, engine: "sqlite", close: () => db.destroy() };
}
