// `pdfupload backup` / `restore`: the database as one gzip'd JSON-lines file, the same on SQLite
// and PostgreSQL (a backup from one restores into the other). Line 1 is a header (format,
// version, time, source engine, row counts, the secret key's fingerprint, and the key itself
// only with --with-key); then one line per row: {"t": table, "r": row}. Files (archive,
// proofs, quarantine) are not in it: copy the data directory with rsync/tar for those.
import crypto from "node:crypto";
import fs from "node:fs";
import readline from "node:readline";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import pkg from "../../package.json" with { type: "json" };
import type { Store } from "./db.ts";
import {
  assertEmpty,
  readRows,
  resetSequences,
  TABLES,
  type TableName,
  TransferError,
  tableCounts,
  wipe,
  writeRows,
} from "./transfer.ts";

export const BACKUP_FORMAT = "pdfupload-backup";

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: 1;
  createdAt: string;
  app: string;
  engine: Store["engine"];
  tables: Record<TableName, number>;
  /** First 16 hex of sha256(key): tells whether the sealed secrets match a key. */
  keyFingerprint: string;
  /** base64, only when asked for (the file then must be kept as safe as the key). */
  key?: string;
}

export const keyFingerprint = (key: Buffer) =>
  crypto.createHash("sha256").update(key).digest("hex").slice(0, 16);

export async function writeBackup(
  store: Store,
  file: string,
  o: { key: Buffer; withKey?: boolean },
): Promise<BackupHeader> {
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: 1,
    createdAt: new Date().toISOString(),
    app: pkg.version,
    engine: store.engine,
    tables: await tableCounts(store.db),
    keyFingerprint: keyFingerprint(o.key),
    ...(o.withKey ? { key: o.key.toString("base64") } : {}),
  };
  // Read in a transaction on PostgreSQL would be nicer; rows added meanwhile land in the next backup.
  async function* lines() {
    yield `${JSON.stringify(header)}\n`;
    for (const t of TABLES)
      for await (const rows of readRows(store.db, t))
        for (const r of rows) yield `${JSON.stringify({ t, r })}\n`;
  }
  const tmp = `${file}.part`;
  await pipeline(lines, zlib.createGzip(), fs.createWriteStream(tmp, { mode: 0o600 }));
  fs.renameSync(tmp, file);
  return header;
}

async function* readLines(file: string): AsyncGenerator<string> {
  const input = fs.createReadStream(file).pipe(zlib.createGunzip());
  yield* readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
}

export async function readBackupHeader(file: string): Promise<BackupHeader> {
  for await (const line of readLines(file)) {
    const h = JSON.parse(line) as BackupHeader;
    if (h.format !== BACKUP_FORMAT || h.version !== 1)
      throw new TransferError("bad-backup", `${file} is not a pdfupload backup`);
    return h;
  }
  throw new TransferError("bad-backup", `${file} is empty`);
}

/** Loads a backup into the store: refuses a database in use unless `force` (which empties it first). */
export async function restoreBackup(
  store: Store,
  file: string,
  o: { force?: boolean } = {},
): Promise<{ header: BackupHeader; rows: number }> {
  let header: BackupHeader | null = null;
  try {
    header = await readBackupHeader(file);
  } catch (e) {
    if (e instanceof TransferError) throw e;
    throw new TransferError(
      "bad-backup",
      `${file} is not a readable pdfupload backup: ${(e as Error).message}`,
    );
  }
  if (!o.force) await assertEmpty(store.db, "the database to restore into");
  let rows = 0;
  await store.db.transaction().execute(async (tx) => {
    if (o.force) await wipe(tx);
    let batch: Record<string, unknown>[] = [];
    let table: TableName | null = null;
    const flush = async () => {
      if (table && batch.length) await writeRows(tx, table, batch);
      rows += batch.length;
      batch = [];
    };
    let first = true;
    for await (const line of readLines(file)) {
      if (first) {
        first = false;
        continue;
      }
      if (!line) continue;
      const { t, r } = JSON.parse(line) as { t: TableName; r: Record<string, unknown> };
      if (!TABLES.includes(t)) throw new TransferError("bad-backup", `unknown table ${t} in ${file}`);
      if (t !== table || batch.length >= 400) {
        await flush();
        table = t;
      }
      batch.push(r);
    }
    await flush();
  });
  await resetSequences(store);
  return { header: header as BackupHeader, rows };
}
