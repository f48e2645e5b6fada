// Decides where the original and the preview go (routing rules are settings) and writes one
// delivery row each. Import mode delivers nothing. A job whose bureau is not known (none found, or
// one the settings lack) waits as "needs a bureau" instead: the operator picks one and it goes on.
import path from "node:path";
import type { Analysis } from "../../../analysis/types.ts";
import { findBureau } from "../../../rules/fields.ts";
import type { DeliveryService } from "../../delivery-service.ts";
import type { Step } from "../../step.ts";

export function planStep(deliveries: DeliveryService): Step {
  return {
    name: "plan",
    async run({ job, jobs, settings, paths, outputs }) {
      if (job.import_mode) return { info: "import mode: no delivery, no notification" };
      const analysis = JSON.parse(job.analysis as string) as Analysis;
      // Planned before (a resumed or "make missing outputs" run): the bureau is settled already.
      const planned = (await jobs.deliveries(job.id)).some((d) => d.kind === "bureau");
      if (!planned && !findBureau(settings, analysis.bureau)) {
        return {
          wait: analysis.bureau
            ? {
                status: "needs-bureau",
                code: "unknown-bureau",
                message: `bureau "${analysis.bureau}" is not configured: pick the bureau on the job page`,
              }
            : {
                status: "needs-bureau",
                code: "no-bureau",
                // The analysis says what it saw (e.g. a mark naming a bureau the settings lack).
                message:
                  analysis.warnings.find((w) => w.startsWith("No CTP bureau found")) ??
                  "No CTP bureau found (no mark, no file-name token, no hot-folder bureau).",
              },
        };
      }
      const preview = outputs.preview ? path.join(paths.proofs, String(job.id), outputs.preview) : null;
      const rows = await deliveries.plan(job, analysis, preview, settings, {
        previewError: typeof outputs.previewError === "string" ? outputs.previewError : null,
      });
      const text = rows.map(
        (r) => `${r.kind} → ${r.target || "?"}${r.state === "skipped" ? ` (skipped: ${r.error})` : ""}`,
      );
      return { info: text.join("; ") || "nothing to deliver" };
    },
  };
}
