// Where a job's files go: the original to its bureau's target, the preview to its press's
// target, folders and names from the rules. A plan says what is missing instead of throwing.
import type { Analysis } from "../analysis/types.ts";
import type { Settings } from "../config/settings-schema.ts";
import { findByName } from "../util/names.ts";
import { type Note, type NoteValues, note } from "../util/note.ts";
import { type FieldsOptions, findBureau, findPress, jobFields, jobPress } from "./fields.ts";
import { escapeValue, RuleError, safeFileName, safeFolder } from "./sanitize.ts";
import { type Fields, renderTemplate, TemplateError } from "./template.ts";

export type PlanProblem =
  | "no-bureau" // the analysis found no bureau
  | "unknown-bureau" // found one the settings do not know
  | "no-press"
  | "unknown-press"
  | "no-target" // bureau/press has no target set
  | "unknown-target" // names a target that does not exist
  | "rule"; // the folder or name rule failed

export interface DeliveryPlan {
  /** `bureau`: the original PDF for plates; `preview`: the light PDF for the press operator. */
  kind: "bureau" | "preview";
  /** Target name in settings.targets, when known. */
  target: string | null;
  remoteDir: string | null;
  remoteName: string | null;
  bureau: string | null;
  press: string | null;
  /** A successful bureau delivery should notify (false for a test bureau and for previews). */
  notify: boolean;
  problem: PlanProblem | null;
  /** Why this delivery cannot be made, in plain English words; null when it can. */
  missing: string | null;
  /** The same as a note the UI words (code `plan.<problem>`). */
  reason?: Note;
}

export type RuleKind = "folder" | "name";

/** Renders one rule and makes the result safe for a server. Throws TemplateError or RuleError. */
export function renderRule(template: string, kind: RuleKind, fields: Fields): string {
  if (kind === "folder") return safeFolder(renderTemplate(template, fields, { escape: escapeValue }));
  return safeFileName(renderTemplate(template, fields, { escape: escapeValue }));
}

/** The template's own complaint (an unknown field name…), kept as a detail value. */
function ruleDetail(err: unknown): Note {
  if (err instanceof TemplateError) return err.note;
  if (err instanceof RuleError) return note(`rule.${err.code}`, err.message, err.values);
  return note("reason.detail", String(err), { detail: String(err) });
}

function ruleMessage(err: unknown, which: string): string {
  if (err instanceof TemplateError || err instanceof RuleError) return `${which}: ${err.message}`;
  throw err;
}

export function planDeliveries(
  analysis: Analysis,
  settings: Settings,
  originalName: string,
  opts: Omit<FieldsOptions, "originalName"> = {},
): DeliveryPlan[] {
  const fields = jobFields(analysis, settings, { ...opts, originalName });

  const make = (
    kind: DeliveryPlan["kind"],
    owner: { target?: string; folder: string; name: string } | undefined,
    ownerLabel: string,
    base: Pick<DeliveryPlan, "bureau" | "press" | "notify">,
  ): DeliveryPlan => {
    const plan: DeliveryPlan = {
      kind,
      target: null,
      remoteDir: null,
      remoteName: null,
      problem: null,
      missing: null,
      ...base,
    };
    // The owner is named by kind and name as values, so the UI says «бюро Korol» in its own words.
    const who = {
      owner: kind === "bureau" ? "bureau" : "press",
      name: kind === "bureau" ? (base.bureau ?? "") : (base.press ?? ""),
    };
    const problem = (p: PlanProblem, missing: string, values: NoteValues = {}) => ({
      ...plan,
      problem: p,
      missing,
      reason: note(`plan.${p}`, missing, { ...who, ...values }),
    });
    if (!owner) return plan; // caller handled
    if (!owner.target) return problem("no-target", `${ownerLabel} has no delivery target`);
    const target = findByName(settings.targets, owner.target);
    plan.target = target?.name ?? owner.target;
    if (!target) {
      return problem(
        "unknown-target",
        `${ownerLabel} sends to target "${owner.target}", which is not configured`,
        { target: owner.target },
      );
    }
    try {
      plan.remoteDir = renderRule(owner.folder, "folder", fields);
    } catch (err) {
      return problem("rule", ruleMessage(err, `${ownerLabel} folder rule`), {
        rule: "folder",
        detail: ruleDetail(err),
      });
    }
    try {
      plan.remoteName = renderRule(owner.name, "name", fields);
    } catch (err) {
      return problem("rule", ruleMessage(err, `${ownerLabel} file name rule`), {
        rule: "name",
        detail: ruleDetail(err),
      });
    }
    return plan;
  };

  const unplanned = (
    kind: DeliveryPlan["kind"],
    base: Pick<DeliveryPlan, "bureau" | "press" | "notify">,
    problem: PlanProblem,
    missing: string,
    values: NoteValues = {},
  ): DeliveryPlan => ({
    kind,
    target: null,
    remoteDir: null,
    remoteName: null,
    ...base,
    problem,
    missing,
    reason: note(`plan.${problem}`, missing, values),
  });

  const bureau = findBureau(settings, analysis.bureau);
  const pressName = jobPress(analysis);
  const press = findPress(settings, pressName);
  const common = { bureau: bureau?.name ?? analysis.bureau, press: press?.name ?? pressName };

  // The original, to the bureau.
  const bureauPlan = !analysis.bureau
    ? unplanned(
        "bureau",
        { ...common, notify: false },
        "no-bureau",
        "no CTP bureau found (no mark, no file-name token, no hot-folder bureau)",
      )
    : !bureau
      ? unplanned(
          "bureau",
          { ...common, notify: false },
          "unknown-bureau",
          `bureau "${analysis.bureau}" is not configured`,
          { name: analysis.bureau },
        )
      : make(
          "bureau",
          { target: bureau.target, folder: bureau.folder, name: bureau.fileName },
          `bureau ${bureau.name}`,
          { ...common, notify: !bureau.test },
        );

  // The preview, to the press.
  const previewBase = { ...common, notify: false };
  const previewPlan = !pressName
    ? unplanned("preview", previewBase, "no-press", "no press found")
    : !press
      ? unplanned("preview", previewBase, "unknown-press", `press "${pressName}" is not configured`, {
          name: pressName,
        })
      : make(
          "preview",
          { target: press.previewTarget, folder: press.previewFolder, name: press.previewName },
          `press ${press.name}`,
          previewBase,
        );
  return [bureauPlan, previewPlan];
}

export type RulePreview =
  | { ok: true; value: string; fields: Fields }
  | { ok: false; error: { code: string; message: string; reason?: Note }; fields: Fields };

/**
 * The admin's "try this rule on a past job": renders `template` as a folder or a file name with
 * that job's fields. Never throws for a bad rule.
 */
export function previewRule(
  template: string,
  analysis: Analysis,
  opts: {
    kind?: RuleKind;
    settings?: Pick<Settings, "presses" | "bureaus">;
    originalName?: string;
    date?: Date;
  } = {},
): RulePreview {
  const settings = opts.settings ?? { presses: [], bureaus: [] };
  const fields = jobFields(analysis, settings, { originalName: opts.originalName, date: opts.date });
  try {
    return { ok: true, value: renderRule(template, opts.kind ?? "name", fields), fields };
  } catch (err) {
    if (err instanceof TemplateError || err instanceof RuleError) {
      return { ok: false, error: { code: err.code, message: err.message, reason: ruleDetail(err) }, fields };
    }
    throw err;
  }
}
