// Parses and checks a settings document (YAML or an object), listing every problem at once with
// its path, the value found and what was expected, so an admin can fix the file in one go.
import YAML from "yaml";
import type { z } from "zod";
import { foldName } from "../util/names.ts";
import { type Settings, settingsSchema } from "./settings-schema.ts";

export interface SettingsProblem {
  path: string;
  value: unknown;
  expected: string;
}

export class SettingsError extends Error {
  readonly code = "bad-settings";
  constructor(readonly problems: SettingsProblem[]) {
    super(`settings refused, ${problems.length} problem(s):\n${problems.map(formatProblem).join("\n")}`);
  }
}

export function formatProblem(p: SettingsProblem): string {
  const v = p.value === undefined ? "missing" : JSON.stringify(p.value);
  return `  ${p.path || "(root)"}: ${v} — ${p.expected}`;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function pathText(path: PropertyKey[]): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i ? "." : ""}${String(k)}`)).join("");
}

function zodProblems(input: unknown, error: z.ZodError): SettingsProblem[] {
  return error.issues.map((i) => {
    const keys = i.code === "unrecognized_keys" ? (i as { keys: string[] }).keys : null;
    return {
      path: pathText(keys ? [...i.path, keys.join(",")] : i.path),
      value: keys ? valueAt(input, [...i.path, keys[0]]) : valueAt(input, i.path),
      expected: keys ? "unknown field (check its spelling)" : i.message,
    };
  });
}

/** Rules that span several entries: unique names, references to existing targets and bureaus. */
function crossProblems(s: Settings): SettingsProblem[] {
  const out: SettingsProblem[] = [];
  const unique = (list: { name: string }[], section: string) => {
    const seen = new Set<string>();
    list.forEach((e, i) => {
      // Folded as every match folds names: two spellings of one name would make matches ambiguous.
      const key = foldName(e.name);
      if (seen.has(key))
        out.push({ path: `${section}[${i}].name`, value: e.name, expected: "a name not used above" });
      seen.add(key);
    });
  };
  unique(s.presses, "presses");
  unique(s.bureaus, "bureaus");
  unique(s.targets, "targets");
  unique(s.recipients, "recipients");
  const targets = new Set(s.targets.map((t) => t.name));
  const known = `one of the targets (${[...targets].join(", ") || "none defined"})`;
  s.bureaus.forEach((b, i) => {
    if (b.target && !targets.has(b.target))
      out.push({ path: `bureaus[${i}].target`, value: b.target, expected: known });
  });
  s.presses.forEach((p, i) => {
    if (p.previewTarget && !targets.has(p.previewTarget))
      out.push({ path: `presses[${i}].previewTarget`, value: p.previewTarget, expected: known });
    if (p.inkZones?.target && !targets.has(p.inkZones.target))
      out.push({ path: `presses[${i}].inkZones.target`, value: p.inkZones.target, expected: known });
  });
  s.targets.forEach((t, i) => {
    if (!/^(ftps?|sftp|file):\/\//i.test(t.url))
      out.push({
        path: `targets[${i}].url`,
        value: t.url,
        expected: "a URL starting ftp://, ftps://, sftp:// or file://",
      });
  });
  const bureaus = new Set(s.bureaus.map((b) => foldName(b.name)));
  s.hotFolders.forEach((h, i) => {
    if (h.bureau && !bureaus.has(foldName(h.bureau)))
      out.push({
        path: `hotFolders[${i}].bureau`,
        value: h.bureau,
        expected: "the name of a configured bureau",
      });
  });
  return out;
}

export function checkSettings(input: unknown): Settings {
  const parsed = settingsSchema.safeParse(input ?? {});
  if (!parsed.success) throw new SettingsError(zodProblems(input, parsed.error));
  const cross = crossProblems(parsed.data);
  if (cross.length) throw new SettingsError(cross);
  return parsed.data;
}

export function parseSettingsYaml(text: string): Settings {
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    throw new SettingsError(
      doc.errors.map((e) => ({
        path: `line ${e.linePos?.[0].line ?? "?"}`,
        value: undefined,
        expected: e.message,
      })),
    );
  }
  return checkSettings(doc.toJS());
}

export function settingsToYaml(settings: Settings): string {
  return YAML.stringify(settings, { lineWidth: 0 });
}

/**
 * A settings file meant to replace the shop's settings (PDFUPLOAD_CONFIG, `config import`). An empty
 * document, or one without presses or bureaus, would empty the shop (later sheets end with the
 * bureau delivery skipped): refused unless `reset` says that is the intent.
 */
export function parseShopSettings(text: string, opts: { reset?: boolean } = {}): Settings {
  const doc = YAML.parseDocument(text);
  const empty = !doc.errors.length && (doc.contents === null || doc.toJS() === null);
  if (empty && !opts.reset)
    throw new SettingsError([
      { path: "", value: undefined, expected: "a settings document (the file is empty)" },
    ]);
  const settings = parseSettingsYaml(empty ? "{}" : text);
  if (opts.reset) return settings;
  const lacking: SettingsProblem[] = [];
  if (!settings.presses.length)
    lacking.push({ path: "presses", value: undefined, expected: "at least one press" });
  if (!settings.bureaus.length)
    lacking.push({ path: "bureaus", value: undefined, expected: "at least one bureau" });
  if (lacking.length) throw new SettingsError(lacking);
  return settings;
}

/** The words an admin reads when a settings file is refused: what is kept, how to reset on purpose. */
export function refusedFileMessage(file: string, e: SettingsError): string {
  return `${file}: ${e.message}\nThe settings in the database are kept. To empty them on purpose: pdfupload config import --reset ${file}`;
}
