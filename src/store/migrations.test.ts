// Opening the journal migrates a new or older database, and on an up-to-date one only reads the
// migration table (the fast path every command and process start takes).
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/temp-app.ts";
import { openStore } from "./db.ts";

const dir = tempDir("pdfupload-migrations-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const names = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type in ('table', 'index')").all() as {
      name: string;
    }[];
    return new Set(tables.map((t) => t.name));
  } finally {
    db.close();
  }
};

const columns = (file: string, table: string) => {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare(`pragma table_info(${table})`).all() as { name: string }[];
    return new Set(rows.map((r) => r.name));
  } finally {
    db.close();
  }
};

describe("migrations", () => {
  it("create a new database, bring an older one up to date, and leave a current one alone", async () => {
    const file = path.join(dir, "journal.db");
    await (await openStore({ sqlitePath: file })).close();
    const fresh = names(file);
    for (const t of [
      "jobs",
      "users",
      "settings",
      "kysely_migration",
      "kysely_migration_lock",
      "jobs_journal",
    ])
      expect(fresh.has(t), t).toBe(true);

    // An older database: the last migration not yet run (0006 adds jobs.warnings).
    const raw = new Database(file);
    raw.exec(
      "alter table jobs drop column warnings; delete from kysely_migration where name = '0006_jobs_warnings'",
    );
    raw.close();
    await (await openStore({ sqlitePath: file })).close();
    expect(columns(file, "jobs").has("warnings")).toBe(true);

    // Up to date: the Migrator is not run (it would re-create its lock table).
    const raw2 = new Database(file);
    raw2.exec("drop table kysely_migration_lock");
    raw2.close();
    const store = await openStore({ sqlitePath: file });
    await store.close();
    expect(names(file).has("kysely_migration_lock")).toBe(false);
    expect(names(file).has("jobs")).toBe(true);
  });
});
