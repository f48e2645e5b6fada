// Admin: the settings document (presses, bureaus and rules, targets, notifications, hot folders,
// general), users and roles, YAML import/export and the audit log. Each settings tab edits the
// same document; one Save sends it whole (secrets travel as the mask and are kept by the server).
import { type ReactNode, useEffect, useMemo, useState } from "react";
import { ApiError, api } from "../../api/client.ts";
import type { Note, Settings } from "../../api/types.ts";
import { useFeedback } from "../../components/Feedback.tsx";
import type { Key } from "../../i18n/en.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { Link } from "../../lib/router.tsx";
import { AuditTab } from "./AuditTab.tsx";
import { ConfigTab } from "./ConfigTab.tsx";
import { ListEditor, ObjectEditor, type Problems, type Rec } from "./fields.tsx";
import { RulePreview } from "./RulePreview.tsx";
import {
  analysisFields,
  bureauFields,
  channelDefaults,
  channelFields,
  hotFolderFields,
  journalFields,
  markFields,
  pressFields,
  recipientFields,
  renderFields,
  targetFields,
  templateFields,
} from "./sections.ts";
import { TargetTest } from "./TargetTest.tsx";
import { UsersTab } from "./UsersTab.tsx";

const TABS = [
  "presses",
  "bureaus",
  "targets",
  "notify",
  "hotfolders",
  "general",
  "users",
  "config",
  "audit",
] as const;
type Tab = (typeof TABS)[number];
const SETTINGS_TABS: Tab[] = ["presses", "bureaus", "targets", "notify", "hotfolders", "general"];

export function AdminPage({ tab: asked }: { tab: string }) {
  const { t, errorText, said } = useI18n();
  const { toast } = useFeedback();
  const tab: Tab = (TABS as readonly string[]).includes(asked) ? (asked as Tab) : "presses";
  const [saved, setSaved] = useState<Settings | null>(null);
  const [doc, setDoc] = useState<Settings | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [problems, setProblems] = useState<{ path: string; message: string }[]>([]);
  const [saving, setSaving] = useState(false);
  /** PDFUPLOAD_CONFIG: the file that manages the settings (then nothing is edited here). */
  const [managedBy, setManagedBy] = useState<string | null>(null);

  const load = async () => {
    try {
      const [s, source] = await Promise.all([
        api<Settings>("/api/settings"),
        api<{ file: string | null }>("/api/settings/source"),
      ]);
      setManagedBy(source.file);
      setSaved(s);
      setDoc(structuredClone(s));
      setProblems([]);
    } catch (e) {
      setLoadError(e);
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once per visit
  useEffect(() => {
    void load();
  }, []);

  const dirty = useMemo(
    () => !!doc && !!saved && JSON.stringify(doc) !== JSON.stringify(saved),
    [doc, saved],
  );
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const problemMap: Problems = useMemo(() => new Map(problems.map((p) => [p.path, p.message])), [problems]);

  const save = async () => {
    if (!doc) return;
    setSaving(true);
    try {
      const s = await api<Settings>("/api/settings", { method: "PUT", body: doc });
      setSaved(s);
      setDoc(structuredClone(s));
      setProblems([]);
      toast(t("admin.saved"), "ok");
    } catch (e) {
      if (e instanceof ApiError && e.problems.length) {
        setProblems(
          e.problems.map((p) => {
            const q = p as { path: string; message?: string; expected?: string; said?: Note };
            return { path: q.path, message: said(q.said ?? q.message ?? q.expected ?? "") };
          }),
        );
      }
      toast(errorText(e), "error");
    } finally {
      setSaving(false);
    }
  };

  const set = <K extends keyof Settings>(k: K, v: Settings[K]) => setDoc((d) => (d ? { ...d, [k]: v } : d));

  let body: ReactNode = null;
  if (SETTINGS_TABS.includes(tab)) {
    if (loadError) body = <p className="notice error">{errorText(loadError)}</p>;
    else if (!doc) body = <p className="muted">{t("common.loading")}</p>;
    else body = settingsTab(tab, doc, set, problemMap, saved, t);
    // A fieldset disables every control of the tab at once; the banner says why.
    if (managedBy)
      body = (
        <fieldset className="plain" disabled>
          {body}
        </fieldset>
      );
  } else if (tab === "users") body = <UsersTab />;
  else if (tab === "config") body = <ConfigTab onImported={load} managedBy={managedBy} />;
  else if (tab === "audit") body = <AuditTab />;

  return (
    <div className="admin">
      <h1>{t("admin.title")}</h1>
      <nav className="tabs" aria-label={t("admin.sections")}>
        {TABS.map((x) => (
          <Link
            key={x}
            href={`/admin/${x}`}
            aria-current={x === tab ? "page" : undefined}
            className={x === tab ? "active" : ""}
          >
            {t(`admin.tab.${x}` as Key)}
          </Link>
        ))}
      </nav>
      {managedBy && tab !== "users" && tab !== "audit" ? (
        <p className="notice managed-by-file" role="status" data-testid="managed-by-file">
          {t("admin.managedByFile", { file: managedBy })}
        </p>
      ) : null}
      <div className="tab-body">{body}</div>
      {SETTINGS_TABS.includes(tab) && doc && !managedBy ? (
        <section className={`save-bar ${dirty ? "dirty" : ""}`} aria-label={t("admin.saveBar")}>
          {problems.length ? (
            <ul className="problems" role="alert">
              {problems.map((p) => (
                <li key={p.path + p.message}>
                  <code>{p.path || "—"}</code>: {p.message}
                </li>
              ))}
            </ul>
          ) : null}
          <span className="muted">{dirty ? t("admin.unsaved") : t("admin.noChanges")}</span>
          <button
            type="button"
            onClick={() => {
              if (saved) setDoc(structuredClone(saved));
              setProblems([]);
            }}
            disabled={!dirty || saving}
          >
            {t("admin.discard")}
          </button>
          <button type="button" className="primary" onClick={save} disabled={!dirty || saving}>
            {saving ? t("admin.saving") : t("admin.save")}
          </button>
        </section>
      ) : null}
    </div>
  );
}

function settingsTab(
  tab: Tab,
  doc: Settings,
  set: <K extends keyof Settings>(k: K, v: Settings[K]) => void,
  problems: Problems,
  saved: Settings | null,
  t: (k: Key) => string,
) {
  switch (tab) {
    case "presses":
      return (
        <Section title="admin.tab.presses" intro="admin.pressesIntro">
          <ListEditor
            title={t("admin.entry")}
            section="presses"
            fields={pressFields(doc)}
            items={doc.presses as unknown as Rec[]}
            onChange={(v) => set("presses", v as unknown as Settings["presses"])}
            make={() => ({
              name: "",
              plateWidthMm: 1030,
              plateHeightMm: 770,
              gripperMm: 0,
              plateCost: 0,
              priority: 0,
              previewFolder: "",
              previewName: "{name}.pdf",
            })}
            problems={problems}
          />
        </Section>
      );
    case "bureaus":
      return (
        <Section title="admin.tab.bureaus" intro="admin.bureausIntro">
          <ListEditor
            title={t("admin.entry")}
            section="bureaus"
            fields={bureauFields(doc)}
            items={doc.bureaus as unknown as Rec[]}
            onChange={(v) => set("bureaus", v as unknown as Settings["bureaus"])}
            make={() => ({ name: "", test: false, folder: "", fileName: "{name}.pdf", plateFolders: {} })}
            problems={problems}
            extra={(item) => <RulePreview bureau={item} />}
          />
        </Section>
      );
    case "targets":
      return (
        <Section title="admin.tab.targets" intro="admin.targetsIntro">
          <ListEditor
            title={t("admin.entry")}
            section="targets"
            fields={targetFields}
            items={doc.targets as unknown as Rec[]}
            onChange={(v) => set("targets", v as unknown as Settings["targets"])}
            make={() => ({
              name: "",
              url: "",
              passive: true,
              insecureTls: false,
              transliterate: false,
              timeoutSec: 60,
            })}
            problems={problems}
            extra={(item) => (
              <TargetTest
                name={item.name as string}
                unsaved={
                  JSON.stringify(saved?.targets.find((x) => x.name === item.name)) !== JSON.stringify(item)
                }
              />
            )}
          />
        </Section>
      );
    case "notify":
      return (
        <>
          <Section title="admin.recipients" intro="admin.recipientsIntro">
            <ListEditor
              title={t("admin.entry")}
              section="recipients"
              fields={recipientFields}
              items={doc.recipients as unknown as Rec[]}
              onChange={(v) => set("recipients", v as unknown as Settings["recipients"])}
              make={() => ({ name: "", channels: [], events: ["delivered"] })}
              problems={problems}
            />
          </Section>
          <Section title="admin.channelsTitle" intro="admin.channelsIntro">
            {(Object.keys(channelFields) as (keyof typeof channelFields)[]).map((c) => (
              <ChannelEditor key={c} name={c} doc={doc} set={set} problems={problems} />
            ))}
          </Section>
          <Section title="admin.templates" intro="admin.tplHint">
            <ObjectEditor
              fields={templateFields}
              value={doc.templates as unknown as Rec}
              path="templates"
              problems={problems}
              onChange={(v) => set("templates", v as unknown as Settings["templates"])}
            />
          </Section>
        </>
      );
    case "hotfolders":
      return (
        <Section title="admin.tab.hotfolders" intro="admin.hotfoldersIntro">
          <ListEditor
            title={t("admin.entry")}
            section="hotFolders"
            fields={hotFolderFields(doc)}
            items={doc.hotFolders as unknown as Rec[]}
            onChange={(v) => set("hotFolders", v as unknown as Settings["hotFolders"])}
            make={() => ({ path: "", importMode: false, polling: false })}
            problems={problems}
          />
        </Section>
      );
    case "general":
      return (
        <>
          <Section title="admin.journal">
            <ObjectEditor
              fields={journalFields}
              value={doc.journal as unknown as Rec}
              path="journal"
              problems={problems}
              onChange={(v) => set("journal", v as unknown as Settings["journal"])}
            />
          </Section>
          <Section title="admin.analysis">
            <ObjectEditor
              fields={analysisFields}
              value={doc.analysis as unknown as Rec}
              path="analysis"
              problems={problems}
              onChange={(v) => set("analysis", v as unknown as Settings["analysis"])}
            />
            <h3>{t("admin.marks")}</h3>
            <ObjectEditor
              fields={markFields}
              value={(doc.analysis.marks ?? {}) as unknown as Rec}
              path="analysis.marks"
              problems={problems}
              onChange={(v) =>
                set("analysis", {
                  ...doc.analysis,
                  marks: v as unknown as NonNullable<Settings["analysis"]["marks"]>,
                })
              }
            />
          </Section>
          <Section title="admin.render">
            <ObjectEditor
              fields={renderFields}
              value={doc.render as unknown as Rec}
              path="render"
              problems={problems}
              onChange={(v) => set("render", v as unknown as Settings["render"])}
            />
          </Section>
        </>
      );
    default:
      return null;
  }
}

function Section({ title, intro, children }: { title: Key; intro?: Key; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <section className="admin-section">
      <h2>{t(title)}</h2>
      {intro ? <p className="muted">{t(intro)}</p> : null}
      {children}
    </section>
  );
}

function ChannelEditor({
  name,
  doc,
  set,
  problems,
}: {
  name: keyof typeof channelFields;
  doc: Settings;
  set: <K extends keyof Settings>(k: K, v: Settings[K]) => void;
  problems: Problems;
}) {
  const { t, tx } = useI18n();
  const value = doc.channels[name] as Rec | undefined;
  const put = (v: Rec | undefined) => {
    const next = { ...doc.channels } as Rec;
    if (v) next[name] = v;
    else delete next[name];
    set("channels", next as Settings["channels"]);
  };
  return (
    <fieldset className="card">
      <legend>
        <label>
          <input
            type="checkbox"
            checked={!!value}
            onChange={(e) => put(e.target.checked ? { ...channelDefaults[name] } : undefined)}
          />{" "}
          {tx(`channel.${name}`, name)}
        </label>
      </legend>
      {value ? (
        <ObjectEditor
          fields={channelFields[name]}
          value={value}
          path={`channels.${name}`}
          problems={problems}
          onChange={put}
        />
      ) : (
        <p className="muted small">{t("admin.channelOff")}</p>
      )}
    </fieldset>
  );
}
