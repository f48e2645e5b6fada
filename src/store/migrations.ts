// Schema migrations, written once through Kysely's schema builder for both engines. The only
// engine difference (auto-increment ids) is a capability passed in, not a name check.
import {
  DEFAULT_MIGRATION_TABLE,
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
} from "kysely";

type IdKind = "sqlite" | "postgres";

function migrations(idKind: IdKind): Record<string, Migration> {
  // biome-ignore lint/suspicious/noExplicitAny: schema builder works on an untyped db
  const id = (t: any) =>
    idKind === "postgres"
      ? t.addColumn("id", "serial", (c: any) => c.primaryKey())
      : t.addColumn("id", "integer", (c: any) => c.primaryKey().autoIncrement());
  return {
    "0001_initial": {
      // biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on current types
      async up(db: Kysely<any>) {
        await id(db.schema.createTable("jobs"))
          .addColumn("created_at", "text", (c: any) => c.notNull())
          .addColumn("updated_at", "text", (c: any) => c.notNull())
          .addColumn("file_date", "text", (c: any) => c.notNull())
          .addColumn("file_name", "text", (c: any) => c.notNull())
          // Lower-cased in JS: SQLite's lower() and LIKE fold ASCII only, and file names are often Cyrillic.
          .addColumn("name_lc", "text", (c: any) => c.notNull())
          .addColumn("source", "text", (c: any) => c.notNull())
          .addColumn("source_path", "text")
          .addColumn("status", "text", (c: any) => c.notNull())
          .addColumn("step", "text")
          .addColumn("error_code", "text")
          .addColumn("error_message", "text")
          .addColumn("hash", "text")
          .addColumn("size", "double precision")
          .addColumn("mtime_ms", "double precision")
          .addColumn("import_mode", "integer", (c: any) => c.notNull().defaultTo(0))
          .addColumn("duplicate_of", "integer")
          .addColumn("default_bureau", "text")
          .addColumn("work_path", "text")
          .addColumn("final_path", "text")
          .addColumn("analysis", "text")
          .addColumn("outputs", "text")
          .addColumn("timeline", "text", (c: any) => c.notNull().defaultTo("[]"))
          .addColumn("attempts", "integer", (c: any) => c.notNull().defaultTo(0))
          .addColumn("run_after", "text", (c: any) => c.notNull())
          .addColumn("locked_by", "text")
          .addColumn("locked_at", "text")
          .addColumn("press", "text")
          .addColumn("bureau", "text")
          .addColumn("order_no", "text")
          .addColumn("pages", "integer")
          .addColumn("plates", "integer")
          .addColumn("plate_area_m2", "double precision")
          .addColumn("money", "double precision")
          .execute();
        await db.schema.createIndex("jobs_file_date").on("jobs").columns(["file_date", "id"]).execute();
        await db.schema.createIndex("jobs_status_run").on("jobs").columns(["status", "run_after"]).execute();
        await db.schema.createIndex("jobs_hash").on("jobs").column("hash").execute();
        await db.schema.createIndex("jobs_press").on("jobs").columns(["press", "file_date"]).execute();
        await db.schema.createIndex("jobs_bureau").on("jobs").columns(["bureau", "file_date"]).execute();

        await id(db.schema.createTable("deliveries"))
          .addColumn("job_id", "integer", (c: any) => c.notNull().references("jobs.id").onDelete("cascade"))
          .addColumn("kind", "text", (c: any) => c.notNull())
          .addColumn("target", "text", (c: any) => c.notNull())
          .addColumn("remote_dir", "text", (c: any) => c.notNull())
          .addColumn("remote_name", "text", (c: any) => c.notNull())
          .addColumn("local_path", "text", (c: any) => c.notNull())
          .addColumn("state", "text", (c: any) => c.notNull())
          .addColumn("attempts", "integer", (c: any) => c.notNull().defaultTo(0))
          .addColumn("next_at", "text")
          .addColumn("error", "text")
          .addColumn("reply", "text")
          .addColumn("sent_at", "text")
          .addColumn("created_at", "text", (c: any) => c.notNull())
          .addColumn("updated_at", "text", (c: any) => c.notNull())
          .execute();
        await db.schema.createIndex("deliveries_job").on("deliveries").column("job_id").execute();
        await db.schema
          .createIndex("deliveries_due")
          .on("deliveries")
          .columns(["state", "next_at"])
          .execute();

        await id(db.schema.createTable("notifications"))
          .addColumn("job_id", "integer", (c: any) => c.notNull().references("jobs.id").onDelete("cascade"))
          .addColumn("event", "text", (c: any) => c.notNull())
          .addColumn("recipient", "text", (c: any) => c.notNull())
          .addColumn("channel", "text", (c: any) => c.notNull())
          .addColumn("ok", "integer", (c: any) => c.notNull())
          .addColumn("reply", "text")
          .addColumn("error", "text")
          .addColumn("created_at", "text", (c: any) => c.notNull())
          .execute();
        await db.schema.createIndex("notifications_job").on("notifications").column("job_id").execute();

        await id(db.schema.createTable("job_log"))
          .addColumn("job_id", "integer", (c: any) => c.notNull().references("jobs.id").onDelete("cascade"))
          .addColumn("at", "text", (c: any) => c.notNull())
          .addColumn("level", "text", (c: any) => c.notNull())
          .addColumn("msg", "text", (c: any) => c.notNull())
          .execute();
        await db.schema.createIndex("job_log_job").on("job_log").columns(["job_id", "id"]).execute();

        await db.schema
          .createTable("settings")
          .addColumn("key", "text", (c: any) => c.primaryKey())
          .addColumn("value", "text", (c: any) => c.notNull())
          .addColumn("updated_at", "text", (c: any) => c.notNull())
          .execute();

        await id(db.schema.createTable("users"))
          .addColumn("name", "text", (c: any) => c.notNull().unique())
          .addColumn("password_hash", "text", (c: any) => c.notNull())
          .addColumn("role", "text", (c: any) => c.notNull())
          .addColumn("created_at", "text", (c: any) => c.notNull())
          .execute();

        await db.schema
          .createTable("sessions")
          .addColumn("token_hash", "text", (c: any) => c.primaryKey())
          .addColumn("user_id", "integer", (c: any) => c.notNull().references("users.id").onDelete("cascade"))
          .addColumn("csrf", "text", (c: any) => c.notNull())
          .addColumn("created_at", "text", (c: any) => c.notNull())
          .addColumn("expires_at", "text", (c: any) => c.notNull())
          .execute();

        await id(db.schema.createTable("audit"))
          .addColumn("at", "text", (c: any) => c.notNull())
          .addColumn("user_name", "text")
          .addColumn("action", "text", (c: any) => c.notNull())
          .addColumn("detail", "text")
          .execute();
      },
    },
    "0002_journal_covering_index": {
      // The journal's counts, totals and reports read only these columns: a narrow covering index
      // spares scanning rows that carry the whole analysis JSON (100 000 rows: ~5× faster).
      // biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on current types
      async up(db: Kysely<any>) {
        await db.schema
          .createIndex("jobs_journal")
          .on("jobs")
          .columns(["status", "file_date", "press", "bureau", "plates", "plate_area_m2", "money", "name_lc"])
          .execute();
      },
    },
    "0003_delivery_in_flight": {
      // Who is sending a delivery right now: a try that never recorded its end (the sender was
      // killed) is checked at its destination before anything is sent again.
      // biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on current types
      async up(db: Kysely<any>) {
        await db.schema.alterTable("deliveries").addColumn("sending_by", "text").execute();
      },
    },
    "0004_jobs_attention": {
      // Why a finished job needs a look (comma-joined reasons), null when it does not: the journal's
      // "needs a look" badge and filter.
      // biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on current types
      async up(db: Kysely<any>) {
        await db.schema.alterTable("jobs").addColumn("attention", "text").execute();
        // Duplicates became their own state (they were "failed" with code "duplicate").
        await db
          .updateTable("jobs")
          .set({ status: "duplicate" })
          .where("status", "=", "failed")
          .where("error_code", "=", "duplicate")
          .execute();
      },
    },
    "0005_users_disabled": {
      // A disabled account keeps its name in the journal and audit but cannot log in.
      // biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on current types
      async up(db: Kysely<any>) {
        await db.schema
          .alterTable("users")
          .addColumn("disabled", "integer", (c: any) => c.notNull().defaultTo(0))
          .execute();
      },
    },
    "0006_jobs_warnings": {
      // What a done job lacks (a preview, a proof, inks of a sheet) or should tell (blank or missing
      // plates), as codes: the journal row shows them at a glance without reading the analysis.
      // biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on current types
      async up(db: Kysely<any>) {
        await db.schema.alterTable("jobs").addColumn("warnings", "text").execute();
      },
    },
  };
}

/**
 * Whether exactly the known migrations have run: the usual open, answered by one read instead of the
 * Migrator's table checks and lock transaction (which every CLI command and process start paid).
 */
async function upToDate(db: Kysely<unknown>, names: string[]): Promise<boolean> {
  try {
    const rows = await (db as Kysely<Record<string, { name: string }>>)
      .selectFrom(DEFAULT_MIGRATION_TABLE)
      .select("name")
      .execute();
    const done = rows.map((r) => r.name).sort();
    return done.length === names.length && done.every((n, i) => n === names[i]);
  } catch {
    return false; // no migration table: a new database
  }
}

export async function migrate(db: Kysely<unknown>, idKind: IdKind): Promise<void> {
  const all = migrations(idKind);
  if (await upToDate(db, Object.keys(all).sort())) return;
  const provider: MigrationProvider = { getMigrations: async () => all };
  const result = await new Migrator({ db, provider }).migrateToLatest();
  if (result.error) throw result.error;
}
