// Decides where the original and the preview go (routing rules are settings) and writes one
// delivery row each. Import mode delivers nothing.
import path from "node:path";
import type { Analysis } from "../../../analysis/types.ts";
import type { DeliveryService } from "../../delivery-service.ts";
import type { Step } from "../../step.ts";

export function planStep(deliveries: DeliveryService): Step {
  return {
    name: "plan",
    async run({ job, settings, paths, outputs }) {
      if (job.import_mode) return { info: "import mode: no delivery, no notification" };
      const analysis = JSON.parse(job.analysis as string) as Analysis;
      const preview = outputs.preview ? path.join(paths.proofs, String(job.id), outputs.preview) : null;
      const dir = path.join(paths.proofs, String(job.id));
      const pages = outputs.pages ?? [];
      const ppfs = pages.flatMap((p) => (p.ppf ? [{ page: p.page, path: path.join(dir, p.ppf) }] : []));
      const rows = await deliveries.plan(job, analysis, preview, settings, ppfs);
      const text = rows.map(
        (r) => `${r.kind} → ${r.target || "?"}${r.state === "skipped" ? ` (skipped: ${r.error})` : ""}`,
      );
      return { info: text.join("; ") || "nothing to deliver" };
    },
  };
}
