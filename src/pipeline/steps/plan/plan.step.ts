// Decides where the original and the preview go (routing rules are settings) and writes one
// delivery row each. Import mode delivers nothing.
import path from "node:path";
import type { Analysis } from "../../../analysis/types.ts";
import { note, noteFromColumn, noteList } from "../../../util/note.ts";
import type { DeliveryService } from "../../delivery-service.ts";
import type { Step } from "../../step.ts";

export function planStep(deliveries: DeliveryService): Step {
  return {
    name: "plan",
    async run({ job, settings, paths, outputs }) {
      if (job.import_mode)
        return { info: note("plan.import-mode", "import mode: no delivery, no notification") };
      const analysis = JSON.parse(job.analysis as string) as Analysis;
      const preview = outputs.preview ? path.join(paths.proofs, String(job.id), outputs.preview) : null;
      const rows = await deliveries.plan(job, analysis, preview, settings);
      const items = rows.map((r) => {
        const reason = noteFromColumn(r.error);
        const text = `${r.kind} → ${r.target || "?"}${r.state === "skipped" ? ` (skipped: ${reason.text})` : ""}`;
        return r.state === "skipped"
          ? note(`plan.${r.kind}-skipped`, text, {
              target: r.target || "?",
              reason: reason.note ?? note("reason.detail", reason.text ?? "", { detail: reason.text ?? "" }),
            })
          : note(`plan.${r.kind}`, text, { target: r.target || "?" });
      });
      return { info: items.length ? noteList(items) : note("plan.nothing", "nothing to deliver") };
    },
  };
}
