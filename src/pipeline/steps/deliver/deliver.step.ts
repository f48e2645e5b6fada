// First try of each planned delivery. A failure here does not fail the job: the delivery keeps its
// own state and the retry loop (or "send again") carries on.
import type { DeliveryService } from "../../delivery-service.ts";
import type { Step } from "../../step.ts";

export function deliverStep(deliveries: DeliveryService): Step {
  return {
    name: "deliver",
    async run({ job, jobs }) {
      const states: string[] = [];
      for (const d of await jobs.deliveries(job.id)) {
        const after = d.state === "pending" ? await deliveries.attempt(d.id) : d;
        states.push(`${d.kind} ${after?.state ?? d.state}`);
      }
      return { info: states.join(", ") || "nothing to deliver" };
    },
  };
}
