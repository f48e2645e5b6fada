// Archived originals are kept `journal.archiveDays` days (0 = forever), then removed — but never
// while a delivery of that file is still pending, and never a quarantined file.
import fsp from "node:fs/promises";
import path from "node:path";
import type { DataPaths } from "../config/runtime.ts";
import type { JobsRepository } from "../store/jobs.repository.ts";
import { note } from "../util/note.ts";

export async function sweepArchive(
  jobs: JobsRepository,
  paths: DataPaths,
  archiveDays: number,
  now = Date.now(),
): Promise<number> {
  if (archiveDays <= 0) return 0;
  const before = new Date(now - archiveDays * 86400_000).toISOString();
  const rows = await jobs.db
    .selectFrom("jobs")
    .select(["id", "final_path"])
    .where("status", "=", "done")
    .where("final_path", "is not", null)
    .where("file_date", "<", before)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("deliveries")
            .select("id")
            .whereRef("deliveries.job_id", "=", "jobs.id")
            .where("state", "=", "pending"),
        ),
      ),
    )
    .limit(1000)
    .execute();
  let removed = 0;
  const archiveRoot = paths.archive + path.sep;
  for (const r of rows) {
    const file = r.final_path as string;
    if (!file.startsWith(archiveRoot)) continue;
    await fsp.rm(file, { force: true });
    await jobs.update(r.id, { final_path: null });
    await jobs.log(
      r.id,
      "info",
      note("log.archive-removed", `archived original removed after ${archiveDays} days`, {
        days: archiveDays,
      }),
    );
    removed++;
  }
  return removed;
}
