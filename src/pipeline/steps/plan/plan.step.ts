// Decides where the original and the preview go (routing rules are settings) and writes one
// delivery row each. Import mode delivers nothing. A job whose bureau is not known (none found, or
// one the settings lack) waits as "needs a bureau" instead: the operator picks one and it goes on.
import path from "node:path";
import type { Analysis } from "../../../analysis/types.ts";
import { findBureau } from "../../../rules/fields.ts";
import { note, noteFromColumn, noteList, noteText } from "../../../util/note.ts";
import type { DeliveryService } from "../../delivery-service.ts";
import type { Step } from "../../step.ts";

export function planStep(deliveries: DeliveryService): Step {
  return {
    name: "plan",
    async run({ job, jobs, settings, paths, outputs }) {
      if (job.import_mode)
        return { info: note("plan.import-mode", "import mode: no delivery, no notification") };
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
                reason: note("plan.unknown-bureau", `bureau "${analysis.bureau}" is not configured`, {
                  name: analysis.bureau,
                }),
              }
            : {
                status: "needs-bureau",
                code: "no-bureau",
                // The analysis says what it saw (e.g. a mark naming a bureau the settings lack).
                message:
                  analysis.warnings.map(noteText).find((w) => w.startsWith("No CTP bureau found")) ??
                  "No CTP bureau found (no mark, no file-name token, no hot-folder bureau).",
                reason:
                  // Rows analysed before warnings were notes hold sentences: then the plain reason.
                  analysis.warnings.find((w) => typeof w === "object" && w.code.startsWith("bureau.none")) ??
                  note("plan.no-bureau", "No CTP bureau found"),
              },
        };
      }
      const preview = outputs.preview ? path.join(paths.proofs, String(job.id), outputs.preview) : null;
      const dir = path.join(paths.proofs, String(job.id));
      const pages = outputs.pages ?? [];
      const ppfs = pages.flatMap((p) => (p.ppf ? [{ page: p.page, path: path.join(dir, p.ppf) }] : []));
      const rows = await deliveries.plan(job, analysis, preview, settings, {
        previewError: typeof outputs.previewError === "string" ? outputs.previewError : null,
        ppfs,
      });
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
