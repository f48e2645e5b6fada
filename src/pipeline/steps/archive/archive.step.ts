// Files the original under archive/<yyyy>/<mm>/ once the job has read it. Deliveries send it
// from there, so it stays put until the retention sweep.
import fsp from "node:fs/promises";
import path from "node:path";
import { freeName, moveFile, safeComponent } from "../../../files/move.ts";
import { fitName } from "../../../util/name-bytes.ts";
import { note } from "../../../util/note.ts";
import type { Step } from "../../step.ts";

export const archiveStep: Step = {
  name: "archive",
  async run({ job, paths }) {
    const d = new Date(job.file_date);
    const dir = path.join(
      paths.archive,
      String(d.getUTCFullYear()),
      String(d.getUTCMonth() + 1).padStart(2, "0"),
    );
    await fsp.mkdir(dir, { recursive: true });
    // Fitted to 255 bytes with its prefix (freeName): the delivered name is job.file_name, whole.
    const wanted = `${job.id}_${safeComponent(job.file_name)}`;
    let dest: string;
    if (job.work_path && (await fsp.stat(job.work_path).catch(() => null))) {
      dest = await freeName(dir, wanted);
      await moveFile(job.work_path, dest);
    } else {
      // Moved just before a crash: the archived copy is already there.
      dest = path.join(dir, fitName(wanted));
      await fsp.access(dest);
    }
    await fsp.rm(path.join(paths.work, String(job.id)), { recursive: true, force: true });
    return {
      patch: { final_path: dest, work_path: null },
      outputs: { archive: dest },
      info: note("archive.path", path.relative(paths.root, dest), { path: path.relative(paths.root, dest) }),
    };
  },
};
