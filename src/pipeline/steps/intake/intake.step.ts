// Takes the original into the job's work folder, fingerprints it, and refuses a re-dropped
// identical file (unless the operator asked to re-run it).
import fsp from "node:fs/promises";
import path from "node:path";
import { moveFile, safeComponent, sha256File } from "../../../files/move.ts";
import { note } from "../../../util/note.ts";
import type { Step } from "../../step.ts";

const DUPLICATE_WINDOW_DAYS = 90;

async function exists(p: string | null | undefined): Promise<boolean> {
  if (!p) return false;
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
}

export function workPathOf(workRoot: string, jobId: number, fileName: string): string {
  return path.join(workRoot, String(jobId), safeComponent(fileName));
}

export const intakeStep: Step = {
  name: "intake",
  async run({ job, paths, jobs, outputs }) {
    const target = workPathOf(paths.work, job.id, job.file_name);
    let workPath: string;
    if (await exists(job.work_path)) workPath = job.work_path as string;
    else if (await exists(target))
      workPath = target; // moved just before a crash
    else {
      // New file from the hot folder, or a re-run of an archived / quarantined original.
      const source = (await exists(job.final_path)) ? job.final_path : job.source_path;
      if (await exists(source)) {
        await moveFile(source as string, target); // disk full / permission: thrown, retried, file stays put
        workPath = target;
      } else if (await exists(target)) {
        workPath = target; // intake moved it in meanwhile
      } else {
        return {
          reject: {
            code: "missing",
            message: `The file is no longer where it was (${source ?? "no path"}). Put it into the hot folder again.`,
            reason: note("reason.file-gone", "The file is no longer where it was."),
          },
        };
      }
    }
    const stat = await fsp.stat(workPath);
    const hash = job.hash && job.size === stat.size ? job.hash : await sha256File(workPath);
    const patch = { work_path: workPath, final_path: null, hash, size: stat.size };
    if (!outputs.force) {
      const since = new Date(Date.now() - DUPLICATE_WINDOW_DAYS * 86400_000).toISOString();
      const first = await jobs.findEarlierByHash(hash, job.id, since);
      if (first) {
        return {
          patch: { ...patch, duplicate_of: first.id },
          reject: {
            code: "duplicate",
            message: `The same file was already processed as job #${first.id} (${first.file_name}). Re-run this job to process it again.`,
            reason: note("reason.duplicate-of", `The same file was already processed as job #${first.id}.`, {
              job: first.id,
            }),
          },
        };
      }
    }
    return {
      patch,
      info: note("intake.summary", `${stat.size} bytes, sha256 ${hash.slice(0, 12)}`, {
        bytes: stat.size,
        sha: hash.slice(0, 12),
      }),
    };
  },
};
