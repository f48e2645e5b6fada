// The pipeline of one job, top to bottom. A resumed job skips the steps its timeline marks done.
import type { DeliveryService } from "./delivery-service.ts";
import type { Step } from "./step.ts";
import { analyseStep } from "./steps/analyse/analyse.step.ts";
import { archiveStep } from "./steps/archive/archive.step.ts";
import { deliverStep } from "./steps/deliver/deliver.step.ts";
import { intakeStep } from "./steps/intake/intake.step.ts";
import { planStep } from "./steps/plan/plan.step.ts";
import { renderStep } from "./steps/render/render.step.ts";

export function jobSteps(deliveries: DeliveryService): Step[] {
  return [
    intakeStep, // original into work/<job>, sha256, duplicate check
    analyseStep, // inspect → read-signa → identify (press, paper, bureau, plates)
    renderStep, // preview PDF, proofs, thumbnails, ink coverage
    archiveStep, // original to archive/<yyyy>/<mm>/
    planStep(deliveries), // routing rules → one delivery row per target
    deliverStep(deliveries), // first try of each delivery; retries run on their own
  ];
}
