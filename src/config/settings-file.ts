// Parses and checks a settings document (YAML or an object), listing every problem at once with
// its path, the value found and what was expected, so an admin can fix the file in one go.
import YAML from "yaml";
import type { z } from "zod";
import { foldName } from "../util/names.ts";
import { type Note, note } from "../util/note.ts";
import { issueNote } from "./settings-problem-note.ts";
import { type Settings, settingsSchema } from "./settings-schema.ts";
import { foreignSecrets } from "./settings-secrets.ts";
import { shownValue } from "./url-passwords.ts";

export interface SettingsProblem {
  path: string;
  value: unknown;
  expected: string;
  /** Set for problems the UI words itself: `foreign-secret` (sealed with another secret.key). */
  code?: "foreign-secret";
  /** What was expected as a note the admin UI words. */
  said?: Note;
}

export class SettingsError extends Error {
  readonly code = "bad-settings";
  readonly problems: SettingsProblem[];
  constructor(problems: SettingsProblem[]) {
    // A secret in a refused document is not quoted back (the report is logged and shown).
    const shown = problems.map((p) => ({ ...p, value: shownValue(p.path, p.value) }));
    super(`settings refused, ${shown.length} problem(s):\n${shown.map(formatProblem).join("\n")}`);
    this.problems = shown;
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
      said: issueNote(i, keys ? "unknown field (check its spelling)" : i.message, valueAt(input, i.path)),
    };
  });
}

/** The entries of a list in a document not checked yet (anything else: none). */
function entries(list: unknown): Record<string, unknown>[] {
  return Array.isArray(list) ? list.map((e) => (e && typeof e === "object" ? e : {})) : [];
}
const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** A problem whose expectation is a note: its English text is the `expected` the CLI prints. */
function said(path: string, value: unknown, n: Note): SettingsProblem {
  return { path, value, expected: n.text, said: n };
}

/**
 * Rules that span several entries: unique names, references to existing targets and bureaus. Read
 * from the raw document, so that they are listed together with the field problems in one pass.
 */
function crossProblems(input: unknown): SettingsProblem[] {
  const doc = (input && typeof input === "object" ? input : {}) as Record<string, unknown>;
  const out: SettingsProblem[] = [];
  const unique = (section: string) => {
    const seen = new Set<string>();
    entries(doc[section]).forEach((e, i) => {
      const name = text(e.name);
      if (!name) return;
      // Folded as every match folds names: two spellings of one name would make matches ambiguous.
      const key = foldName(name);
      if (seen.has(key))
        out.push(
          said(`${section}[${i}].name`, name, note("setting.duplicate-name", "a name not used above")),
        );
      seen.add(key);
    });
  };
  for (const section of ["presses", "bureaus", "targets", "recipients"]) unique(section);
  // A reference is matched as every name is (util/names.ts): "FTP-Korol" finds the target "ftp-korol".
  const names = entries(doc.targets).map((t) => text(t.name)?.trim());
  const targets = new Set(names.map((n) => foldName(n ?? "")));
  const list = names.filter(Boolean).join(", ");
  const known = note("setting.unknown-target", `one of the targets (${list || "none defined"})`, {
    targets: list,
    count: names.filter(Boolean).length,
  });
  entries(doc.bureaus).forEach((b, i) => {
    const target = text(b.target);
    if (target && !targets.has(foldName(target))) out.push(said(`bureaus[${i}].target`, target, known));
  });
  entries(doc.presses).forEach((p, i) => {
    const target = text(p.previewTarget);
    if (target && !targets.has(foldName(target)))
      out.push(said(`presses[${i}].previewTarget`, target, known));
    const zones = (p.inkZones ?? {}) as Record<string, unknown>;
    const ppfTarget = text(zones.target);
    if (ppfTarget && !targets.has(foldName(ppfTarget)))
      out.push(said(`presses[${i}].inkZones.target`, ppfTarget, known));
  });
  entries(doc.targets).forEach((t, i) => {
    const url = text(t.url);
    if (url && !/^(ftps?|sftp|file):\/\//i.test(url))
      out.push(
        said(
          `targets[${i}].url`,
          url,
          note("setting.url-scheme", "a URL starting ftp://, ftps://, sftp:// or file://"),
        ),
      );
  });
  const bureauNames = entries(doc.bureaus)
    .map((b) => text(b.name)?.trim())
    .filter(Boolean);
  const bureaus = new Set(bureauNames.map((b) => foldName(b ?? "")));
  entries(doc.hotFolders).forEach((h, i) => {
    const bureau = text(h.bureau);
    if (bureau && !bureaus.has(foldName(bureau)))
      out.push(
        said(
          `hotFolders[${i}].bureau`,
          bureau,
          note("setting.unknown-bureau", "the name of a configured bureau", {
            bureaus: bureauNames.join(", "),
            count: bureauNames.length,
          }),
        ),
      );
  });
  return out;
}

export interface CheckOptions {
  /**
   * Whether this server's key opens a sealed secret (`enc:v1:…`). Given when the document comes
   * from outside (an import): a secret sealed with another server's secret.key is then a problem.
   */
  canOpen?: (sealed: string) => boolean;
}

/** Every problem of a document at once: its fields, the rules across entries, foreign secrets. */
function problemsOf(
  input: unknown,
  opts: CheckOptions,
): { settings: Settings | null; problems: SettingsProblem[] } {
  const parsed = settingsSchema.safeParse(input ?? {});
  const problems = parsed.success ? [] : zodProblems(input, parsed.error);
  problems.push(...crossProblems(input));
  if (opts.canOpen) problems.push(...foreignSecrets(input, opts.canOpen));
  return { settings: parsed.success ? parsed.data : null, problems };
}

export function checkSettings(input: unknown, opts: CheckOptions = {}): Settings {
  const { settings, problems } = problemsOf(input, opts);
  if (problems.length || !settings) throw new SettingsError(problems);
  return settings;
}

/** The YAML's syntax errors, with their lines (then nothing else can be checked). */
function yamlProblems(doc: YAML.Document): SettingsProblem[] {
  return doc.errors.map((e) => {
    const line = e.linePos?.[0].line ?? "?";
    // The parser's own sentence is English: the UI says where, and quotes it as a detail.
    return said(
      `line ${line}`,
      undefined,
      note("setting.yaml-syntax", e.message, { line: String(line), detail: e.message }),
    );
  });
}

export function parseSettingsYaml(text: string, opts: CheckOptions = {}): Settings {
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) throw new SettingsError(yamlProblems(doc));
  return checkSettings(doc.toJS(), opts);
}

export function settingsToYaml(settings: Settings): string {
  return YAML.stringify(settings, { lineWidth: 0 });
}

/**
 * A settings file meant to replace the shop's settings (PDFUPLOAD_CONFIG, `config import`). An empty
 * document, or one without presses or bureaus, would empty the shop (later sheets end with the
 * bureau delivery skipped): refused unless `reset` says that is the intent.
 */
export function parseShopSettings(text: string, opts: { reset?: boolean } & CheckOptions = {}): Settings {
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) throw new SettingsError(yamlProblems(doc));
  const raw = doc.contents === null ? null : doc.toJS();
  if (raw === null && !opts.reset)
    throw new SettingsError([
      said("", undefined, note("setting.empty-document", "a settings document (the file is empty)")),
    ]);
  const { settings, problems } = problemsOf(raw ?? {}, opts);
  if (!opts.reset) {
    const has = (section: string) => {
      const v = raw && typeof raw === "object" ? (raw as Record<string, unknown>)[section] : undefined;
      return Array.isArray(v) ? v.length > 0 : v !== undefined;
    };
    if (!has("presses"))
      problems.push(said("presses", undefined, note("setting.no-presses", "at least one press")));
    if (!has("bureaus"))
      problems.push(said("bureaus", undefined, note("setting.no-bureaus", "at least one bureau")));
  }
  if (problems.length || !settings) throw new SettingsError(problems);
  return settings;
}

/** The words an admin reads when a settings file is refused: what is kept, how to reset on purpose. */
export function refusedFileMessage(file: string, e: SettingsError): string {
  const emptying = e.problems.some(
    (p) => p.value === undefined && ["", "presses", "bureaus"].includes(p.path),
  );
  const reset = emptying ? ` To empty them on purpose: pdfupload config import --reset ${file}` : "";
  return `${file}: ${e.message}\nThe settings in the database are kept.${reset}`;
}
