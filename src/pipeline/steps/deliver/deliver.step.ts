// First try of each planned delivery. A failure here does not fail the job: the delivery keeps its
// own state and the retry loop (or "send again") carries on.

import { type Note, note, noteList } from "../../../util/note.ts";
import type { DeliveryService } from "../../delivery-service.ts";
import type { Step } from "../../step.ts";

export function deliverStep(deliveries: DeliveryService): Step {
  return {
    name: "deliver",
    async run({ job, jobs }) {
      const states: Note[] = [];
      for (const d of await jobs.deliveries(job.id)) {
        const after = d.state === "pending" ? await deliveries.attempt(d.id) : d;
        const state = after?.state ?? d.state;
        states.push(note(`deliver.${d.kind}`, `${d.kind} ${state}`, { state }));
      }
      return { info: states.length ? noteList(states, ", ") : note("plan.nothing", "nothing to deliver") };
    },
  };
}
