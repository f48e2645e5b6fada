// Where each sheet's CIP3 PPF goes: to its press, beside the preview (the press's ink-zone target,
// else its preview target), folder and name from the press's ink-zone rules with `{sheet}` added.
import type { Analysis } from "../analysis/types.ts";
import type { Settings } from "../config/settings-schema.ts";
import { type FieldsOptions, findPress, jobFields } from "./fields.ts";
import { type DeliveryPlan, renderRule } from "./plan.ts";
import { RuleError } from "./sanitize.ts";
import { TemplateError } from "./template.ts";

export interface PpfFile {
  page: number;
  path: string;
}

export interface PpfPlan extends DeliveryPlan {
  page: number;
  localPath: string;
}

export function planPpfDeliveries(
  analysis: Analysis,
  settings: Settings,
  originalName: string,
  files: PpfFile[],
  opts: Omit<FieldsOptions, "originalName"> = {},
): PpfPlan[] {
  const base = jobFields(analysis, settings, { ...opts, originalName });
  const targets = new Set(settings.targets.map((t) => t.name));
  const plans = files.map((f): PpfPlan => {
    const sheet = analysis.sheets.find((s) => s.page === f.page);
    const press = findPress(settings, sheet?.press ?? null);
    const plan: PpfPlan = {
      kind: "preview",
      page: f.page,
      localPath: f.path,
      target: null,
      remoteDir: null,
      remoteName: null,
      bureau: base.bureau as string,
      press: press?.name ?? sheet?.press ?? null,
      notify: false,
      problem: null,
      missing: null,
    };
    const zones = press?.inkZones;
    // A PPF is only written for a press with ink zones on; this keeps a plan honest if that changed.
    if (!press || !zones)
      return { ...plan, problem: "unknown-press", missing: "the sheet's press has no ink zones" };
    const target = zones.target ?? press.previewTarget;
    const label = `press ${press.name} ink zones`;
    if (!target) return { ...plan, problem: "no-target", missing: `${label}: no PPF or preview target` };
    plan.target = target;
    if (!targets.has(target))
      return {
        ...plan,
        problem: "unknown-target",
        missing: `${label} sends to target "${target}", which is not configured`,
      };
    const fields = { ...base, sheet: f.page };
    try {
      plan.remoteDir = renderRule(zones.folder, "folder", fields);
      plan.remoteName = renderRule(zones.nameTemplate, "name", fields);
    } catch (err) {
      if (!(err instanceof TemplateError || err instanceof RuleError)) throw err;
      return { ...plan, problem: "rule", missing: `${label} rule: ${err.message}` };
    }
    return plan;
  });
  // A name rule without {sheet} would send every sheet's PPF over the one before: the sheet number
  // goes before the extension of each name that is not unique.
  const where = (p: PpfPlan) => `${p.target}/${p.remoteDir}/${p.remoteName}`;
  const seen = new Map<string, number>();
  for (const p of plans) if (p.remoteName) seen.set(where(p), (seen.get(where(p)) ?? 0) + 1);
  for (const p of plans) {
    if (!p.remoteName || (seen.get(where(p)) ?? 0) < 2) continue;
    const dot = p.remoteName.lastIndexOf(".");
    const [stem, ext] = dot > 0 ? [p.remoteName.slice(0, dot), p.remoteName.slice(dot)] : [p.remoteName, ""];
    p.remoteName = `${stem}_${p.page}${ext}`;
  }
  return plans;
}
