// The operator's actions on a job, shared by the journal rows and the job page: each calls the
// API, says what happened in a toast, and tells the caller whether it worked.
import { api } from "../api/client.ts";
import type { DeliveryView, JobView } from "../api/types.ts";
import { useFeedback } from "../components/Feedback.tsx";
import { useI18n } from "../i18n/i18n.tsx";
import { bureauAlreadySent } from "./jobs.ts";

export function useJobActions() {
  const { t, errorText } = useI18n();
  const { toast, confirm } = useFeedback();
  const attempt = async (fn: () => Promise<void>): Promise<boolean> => {
    try {
      await fn();
      return true;
    } catch (e) {
      toast(errorText(e), "error");
      return false;
    }
  };
  return {
    /** Asks first when the file already reached a CTP bureau: a re-run sends it there again. */
    rerun: async (job: JobView) => {
      const sent = bureauAlreadySent(job);
      if (
        sent.length &&
        !(await confirm(
          t("journal.rerunConfirm", {
            file: job.file,
            targets: [...new Set(sent.map((d) => d.target))].join(", "),
          }),
          t("journal.rerun"),
        ))
      )
        return false;
      return attempt(async () => {
        await api(`/api/jobs/${job.id}/rerun`, { method: "POST" });
        toast(t("journal.rerunStarted", { file: job.file }), "ok");
      });
    },
    /** Asks first when this sends a file a bureau already has (plates cost money). */
    resend: async (d: DeliveryView, file: string) => {
      if (
        d.kind === "bureau" &&
        d.state === "sent" &&
        !(await confirm(t("journal.resendConfirm", { file, target: d.target }), t("job.resend")))
      )
        return false;
      return attempt(async () => {
        const r = await api<{ ok: boolean; state: string; error: string | null }>(
          `/api/deliveries/${d.id}/resend`,
          {
            method: "POST",
          },
        );
        toast(
          r.ok
            ? t("journal.resent", { target: d.target })
            : `${t("journal.resendFailed", { target: d.target })}: ${r.error ?? r.state}`,
          r.ok ? "ok" : "error",
        );
      });
    },
    /** Asks first; false when the operator said no or the delete failed. */
    remove: async (job: { id: number; file: string }) => {
      if (!(await confirm(t("journal.deleteConfirm", { file: job.file }), t("journal.delete")))) return false;
      return attempt(async () => {
        await api(`/api/jobs/${job.id}`, { method: "DELETE" });
        toast(t("journal.deleted", { file: job.file }), "ok");
      });
    },
  };
}
