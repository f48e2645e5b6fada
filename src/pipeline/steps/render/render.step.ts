// Makes the preview PDF, proofs, thumbnails and ink coverage into proofs/<job>/ and books the inks
// into the stored analysis. A page that fails to render is a warning, never a failed job.
import fsp from "node:fs/promises";
import path from "node:path";
import type { Analysis } from "../../../analysis/types.ts";
import { CropLimitError, cropIsolated, limitsOf } from "../../../isolation/isolated.ts";
import { sharedPool } from "../../../isolation/pdf-pool.ts";
import { type Step, TransientError } from "../../step.ts";
import { renderSheets, withInks } from "./index.ts";

const DISK_FULL = /ENOSPC|no space left|disk full|EDQUOT|quota exceeded/i;
/** Below this much free space a failed write is taken for a full disk. */
const LOW_SPACE_BYTES = 64 * 1024 * 1024;

async function lowOnSpace(dirs: string[]): Promise<boolean> {
  for (const d of dirs) {
    const st = await fsp.statfs(d).catch(() => null);
    if (st && st.bavail * st.bsize < LOW_SPACE_BYTES) return true;
  }
  return false;
}

export const renderStep: Step = {
  name: "render",
  async run({ job, settings, paths, signal, log }) {
    const analysis = JSON.parse(job.analysis as string) as Analysis;
    const outDir = path.join(paths.proofs, String(job.id));
    await fsp.rm(outDir, { recursive: true, force: true });
    await fsp.mkdir(outDir, { recursive: true });
    // Rasters of big sheets go to the data volume, not a small /tmp.
    const tmpDir = path.join(paths.work, String(job.id));
    // The MuPDF crop runs in the PDF pool under the analysis limits, like the analysis itself.
    const pool = sharedPool(settings.analysis.workers);
    const crop = (src: string, dest: string, rects: Parameters<typeof cropIsolated>[2]) =>
      cropIsolated(src, dest, rects, { pool, limits: limitsOf(settings), signal });
    // Proofs come from the copy MuPDF could read when the analysis needed one (the original is delivered).
    const repaired = analysis.repairedCopy?.path;
    const source =
      repaired && (await fsp.stat(repaired).catch(() => null)) ? repaired : (job.work_path as string);
    if (source === repaired) await log(`render: from the copy ${analysis.repairedCopy?.by} repaired`, "warn");
    let r: Awaited<ReturnType<typeof renderSheets>>;
    try {
      r = await renderSheets({
        pdfPath: source,
        analysis,
        settings: settings.render,
        outDir,
        signal,
        tmpDir,
        crop,
      });
    } catch (e) {
      if (e instanceof CropLimitError) return { reject: e.error };
      if (DISK_FULL.test(String((e as Error)?.message)) || (await lowOnSpace([outDir, paths.work])))
        throw new TransientError(`disk full while writing proofs: ${(e as Error).message}`, "ENOSPC");
      throw e;
    }
    // A page that failed because the disk is full is not the file's fault: retry the step later.
    const failed = r.warnings.filter((w) => /not rendered|^preview:/.test(w));
    if (
      failed.length &&
      (failed.some((w) => DISK_FULL.test(w)) || (await lowOnSpace([outDir, paths.work])))
    ) {
      throw new TransientError(`disk full while writing proofs (${failed[0]})`, "ENOSPC");
    }
    for (const w of r.warnings) await log(`render: ${w}`, "warn");
    const rel = (p: string | null | undefined) => (p ? path.relative(outDir, p) : null);
    return {
      patch: { analysis: JSON.stringify(withInks(analysis, r)) },
      outputs: {
        engine: r.engine,
        preview: rel(r.previewPdf),
        pages: r.pages.map((p) => ({
          page: p.page,
          proof: rel(p.proof),
          thumbnail: rel(p.thumbnail),
          ...(p.warning ? { warning: p.warning } : {}),
        })),
      },
      info: `${r.pages.length} page(s) with ${r.engine} in ${r.timings.totalMs} ms${r.warnings.length ? `, ${r.warnings.length} warning(s)` : ""}`,
    };
  },
};
