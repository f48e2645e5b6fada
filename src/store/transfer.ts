// Moves a whole journal between databases (SQLite → PostgreSQL when a shop grows, or into and out
// of a backup file): every table but login sessions, ids kept, so links between jobs, deliveries
// and duplicates stay right. The target must be empty: a half-merged journal is worse than none.
import { type Kysely, sql } from "kysely";
import type { Store } from "./db.ts";
import type { DB } from "./schema.ts";

/** Parents before children (foreign keys). Sessions are not moved: users log in again. */
export const TABLES = [
  "users",
  "settings",
  "jobs",
  "deliveries",
  "notifications",
  "job_log",
  "audit",
] as const;
export type TableName = (typeof TABLES)[number];
type Row = Record<string, unknown>;

const BATCH = 400;

export class TransferError extends Error {
  constructor(
    readonly code: "target-not-empty" | "bad-backup" | "bad-url",
    message: string,
  ) {
    super(message);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: tables are walked by name
const anyDb = (db: Kysely<DB>) => db as unknown as Kysely<any>;

export async function tableCounts(db: Kysely<DB>): Promise<Record<TableName, number>> {
  const out = {} as Record<TableName, number>;
  for (const t of TABLES) {
    const r = await anyDb(db)
      .selectFrom(t)
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirst();
    out[t] = Number(r?.n ?? 0);
  }
  return out;
}

/** What makes a database "in use": any job, user or settings row. */
export async function assertEmpty(db: Kysely<DB>, what: string): Promise<void> {
  const c = await tableCounts(db);
  const used = (["jobs", "users", "settings"] as const).filter((t) => c[t] > 0);
  if (used.length)
    throw new TransferError(
      "target-not-empty",
      `${what} already holds data (${used.map((t) => `${c[t]} ${t}`).join(", ")}); refusing to merge. Use an empty database${what.includes("restore") ? " or --force to replace it" : ""}.`,
    );
}

/** Deletes every row of the moved tables (and sessions), children first. Run it in a transaction. */
export async function wipe(db: Kysely<DB>): Promise<void> {
  await anyDb(db).deleteFrom("sessions").execute();
  for (const t of [...TABLES].reverse()) await anyDb(db).deleteFrom(t).execute();
}

/** Rows of one table in id order, a batch at a time. */
export async function* readRows(db: Kysely<DB>, table: TableName): AsyncGenerator<Row[]> {
  if (table === "settings") {
    const rows = await anyDb(db).selectFrom("settings").selectAll().orderBy("key").execute();
    if (rows.length) yield rows;
    return;
  }
  let after = -1;
  for (;;) {
    const rows: Row[] = await anyDb(db)
      .selectFrom(table)
      .selectAll()
      .where("id", ">", after)
      .orderBy("id")
      .limit(BATCH)
      .execute();
    if (!rows.length) return;
    yield rows;
    after = Number(rows[rows.length - 1].id);
  }
}

export async function writeRows(db: Kysely<DB>, table: TableName, rows: Row[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH)
    await anyDb(db)
      .insertInto(table)
      .values(rows.slice(i, i + BATCH))
      .execute();
}

/** PostgreSQL: serial sequences continue after the highest copied id. */
export async function resetSequences(store: Store): Promise<void> {
  if (store.engine !== "postgres") return;
  for (const t of TABLES) {
    if (t === "settings") continue;
    await sql`select setval(pg_get_serial_sequence(${t}, 'id'), coalesce((select max(id) from ${sql.table(t)}), 0) + 1, false)`.execute(
      store.db,
    );
  }
}

/** Copies every table from one store into an empty other; returns rows per table. */
export async function copyStore(from: Store, to: Store): Promise<Record<TableName, number>> {
  await assertEmpty(to.db, "the target database");
  const counts = {} as Record<TableName, number>;
  await to.db.transaction().execute(async (tx) => {
    for (const t of TABLES) {
      counts[t] = 0;
      for await (const rows of readRows(from.db, t)) {
        await writeRows(tx, t, rows);
        counts[t] += rows.length;
      }
    }
  });
  await resetSequences(to);
  return counts;
}

/** `sqlite:PATH`, a plain path, or `postgres://…` → openStore options. */
export function parseDbUrl(url: string): { databaseUrl: string | null; sqlitePath: string } {
  if (/^postgres(ql)?:\/\//.test(url)) return { databaseUrl: url, sqlitePath: "" };
  const p = url.replace(/^sqlite:(\/\/)?/, "");
  if (!p) throw new TransferError("bad-url", `not a database: ${url} (use sqlite:PATH or postgres://…)`);
  return { databaseUrl: null, sqlitePath: p };
}
