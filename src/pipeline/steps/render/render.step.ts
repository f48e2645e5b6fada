// Makes the preview PDF, proofs, thumbnails and ink coverage into proofs/<job>/ and books the inks
// into the stored analysis. A page that fails to render is a warning, never a failed job.
import fsp from "node:fs/promises";
import path from "node:path";
import type { Analysis } from "../../../analysis/types.ts";
import type { Step } from "../../step.ts";
import { renderSheets, withInks } from "./index.ts";

export const renderStep: Step = {
  name: "render",
  async run({ job, settings, paths, signal, log }) {
    const analysis = JSON.parse(job.analysis as string) as Analysis;
    const outDir = path.join(paths.proofs, String(job.id));
    await fsp.rm(outDir, { recursive: true, force: true });
    await fsp.mkdir(outDir, { recursive: true });
    // Rasters of big sheets go to the data volume, not a small /tmp.
    const tmpDir = path.join(paths.work, String(job.id));
    const r = await renderSheets({ pdfPath: job.work_path as string, analysis, settings: settings.render, outDir, signal, tmpDir });
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
