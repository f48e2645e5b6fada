// Operations commands: `migrate` (SQLite → PostgreSQL when a shop grows), `backup`, `restore`. The
// store, backup and transfer code is imported when one of them runs.
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { dataPaths, readRuntime } from "../config/runtime.ts";
import type { Store } from "../store/db.ts";

const say = (s: string) => process.stdout.write(`${s}\n`);

async function openRuntimeStore(): Promise<Store> {
  const { openStore } = await import("../store/db.ts");
  const runtime = readRuntime();
  return openStore({ databaseUrl: runtime.databaseUrl, sqlitePath: dataPaths(runtime.dataDir).sqlite });
}

export function registerOpsCommands(program: Command): void {
  program
    .command("migrate")
    .description("copy the journal, settings and users into an empty database (e.g. SQLite → PostgreSQL)")
    .requiredOption("--from <db>", "source: sqlite:PATH (default <data>/pdfupload.db) or postgres://…")
    .requiredOption("--to <db>", "target: postgres://… or sqlite:PATH; must be empty")
    .addHelpText(
      "after",
      "\nThe target must be empty (no jobs, users or settings): a second run refuses instead of doubling.\n" +
        "Secrets in the settings stay sealed with the key in <data>/secret.key (or PDFUPLOAD_SECRET_KEY):\n" +
        "give every machine of the new installation that same key.",
    )
    .action(async (o: { from: string; to: string }) => {
      const [{ openStore }, { copyStore, parseDbUrl, TransferError }] = await Promise.all([
        import("../store/db.ts"),
        import("../store/transfer.ts"),
      ]);
      const from = parseDbUrl(o.from);
      const to = parseDbUrl(o.to);
      if (!from.databaseUrl && !fs.existsSync(from.sqlitePath))
        throw new TransferError("bad-url", `no database at ${from.sqlitePath}`);
      if (!to.databaseUrl && path.resolve(to.sqlitePath) === path.resolve(from.sqlitePath))
        throw new TransferError("bad-url", "source and target are the same file");
      const src = await openStore(from);
      try {
        const dst = await openStore(to);
        try {
          const counts = await copyStore(src, dst);
          say(
            `copied ${Object.entries(counts)
              .map(([t, n]) => `${n} ${t}`)
              .join(", ")} from ${src.engine} to ${dst.engine}`,
          );
          if (dst.engine === "postgres")
            say("next: set DATABASE_URL to the target in the environment of every pdfupload service");
        } finally {
          await dst.close();
        }
      } finally {
        await src.close();
      }
    });

  program
    .command("backup")
    .description("write the database (journal, settings, users, audit) to one gzip'd file")
    .option(
      "-o, --out <file>",
      "backup file (default pdfupload-backup-<time>.jsonl.gz in the current folder)",
    )
    .option("--with-key", "also store the secret key (keep the file as safe as the key itself)")
    .addHelpText(
      "after",
      "\nIn the file: every job with its analysis, timeline, deliveries, notifications and log lines; the\n" +
        "settings (secrets still sealed); users (password hashes) and the audit log. Not in it: login\n" +
        "sessions, and the files (archive, proofs, quarantine): copy the data directory for those.",
    )
    .action(async (o: { out?: string; withKey?: boolean }) => {
      const [{ loadOrCreateKey }, { writeBackup }] = await Promise.all([
        import("../config/secrets.ts"),
        import("../store/backup.ts"),
      ]);
      const runtime = readRuntime();
      const key = loadOrCreateKey(dataPaths(runtime.dataDir).keyFile);
      const file = o.out ?? `pdfupload-backup-${new Date().toISOString().replace(/[:.]/g, "-")}.jsonl.gz`;
      const store = await openRuntimeStore();
      try {
        const h = await writeBackup(store, file, { key, withKey: o.withKey });
        say(
          `${file}: ${Object.entries(h.tables)
            .map(([t, n]) => `${n} ${t}`)
            .join(", ")}${o.withKey ? " (with the secret key)" : ""}`,
        );
      } finally {
        await store.close();
      }
    });

  program
    .command("restore <file>")
    .description("load a backup into the database (must be empty unless --force)")
    .option("--force", "replace whatever the database holds")
    .action(async (file: string, o: { force?: boolean }) => {
      const [{ loadOrCreateKey }, { keyFingerprint, readBackupHeader, restoreBackup }] = await Promise.all([
        import("../config/secrets.ts"),
        import("../store/backup.ts"),
      ]);
      const runtime = readRuntime();
      const paths = dataPaths(runtime.dataDir);
      const header = await readBackupHeader(file);
      const store = await openRuntimeStore();
      try {
        const { rows } = await restoreBackup(store, file, { force: o.force });
        say(
          `restored ${rows} rows from ${file} (made ${header.createdAt} on ${header.engine}) into ${store.engine}`,
        );
      } finally {
        await store.close();
      }
      // The settings' secrets were sealed with the backup's key.
      const current = loadOrCreateKey(paths.keyFile);
      if (keyFingerprint(current) === header.keyFingerprint) return;
      if (header.key && !process.env.PDFUPLOAD_SECRET_KEY) {
        fs.renameSync(paths.keyFile, `${paths.keyFile}.replaced-${Date.now()}`);
        fs.writeFileSync(paths.keyFile, header.key, { mode: 0o600 });
        say(`secret key restored to ${paths.keyFile} (the previous one kept beside it)`);
      } else
        say(
          "warning: the secrets in the restored settings were sealed with another key; restore that key " +
            "(secret.key or PDFUPLOAD_SECRET_KEY) or re-enter the passwords in the admin",
        );
    });
}
