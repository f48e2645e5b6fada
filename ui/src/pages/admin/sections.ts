// The settings document's sections as form fields (names follow src/config/settings-schema.ts).
import type { Settings } from "../../api/types.ts";
import type { Field } from "./fields.tsx";

export const pressFields = (s: Settings): Field[] => [
  { key: "name", label: "admin.name", type: "text", required: true },
  { key: "plateWidthMm", label: "admin.plateWidthMm", type: "number", required: true },
  { key: "plateHeightMm", label: "admin.plateHeightMm", type: "number", required: true },
  { key: "gripperMm", label: "admin.gripperMm", type: "number", hint: "admin.gripperHint" },
  { key: "plateCost", label: "admin.plateCost", type: "number" },
  { key: "priority", label: "admin.priority", type: "number", hint: "admin.priorityHint" },
  {
    key: "previewTarget",
    label: "admin.previewTarget",
    type: "select",
    options: s.targets.map((t) => t.name),
  },
  { key: "previewFolder", label: "admin.previewFolder", type: "text", hint: "admin.templateHint" },
  { key: "previewName", label: "admin.previewName", type: "text", placeholder: "{name}.pdf" },
  { key: "inkZones.enabled", label: "admin.inkZonesEnabled", type: "bool", hint: "admin.inkZonesHint" },
  { key: "inkZones.count", label: "admin.inkZonesCount", type: "number", placeholder: "32" },
  { key: "inkZones.widthMm", label: "admin.inkZonesWidthMm", type: "number", placeholder: "32.5" },
  {
    key: "inkZones.startEdge",
    label: "admin.inkZonesStartEdge",
    type: "select",
    options: ["left", "right"],
    optionLabels: { left: "admin.inkZonesLeft", right: "admin.inkZonesRight" },
    hint: "admin.inkZonesStartEdgeHint",
  },
  {
    key: "inkZones.target",
    label: "admin.inkZonesTarget",
    type: "select",
    options: s.targets.map((t) => t.name),
    hint: "admin.inkZonesTargetHint",
  },
  { key: "inkZones.folder", label: "admin.inkZonesFolder", type: "text", hint: "admin.templateHint" },
  {
    key: "inkZones.nameTemplate",
    label: "admin.inkZonesName",
    type: "text",
    placeholder: "{name}_{sheet}.ppf",
    hint: "admin.inkZonesNameHint",
  },
  {
    key: "inkZones.backMarks",
    label: "admin.inkZonesBackMarks",
    type: "lines",
    wide: true,
    hint: "admin.inkZonesBackMarksHint",
  },
];

export const bureauFields = (s: Settings): Field[] => [
  { key: "name", label: "admin.name", type: "text", required: true },
  { key: "test", label: "admin.testBureau", type: "bool", hint: "admin.testBureauHint" },
  { key: "target", label: "admin.target", type: "select", options: s.targets.map((t) => t.name) },
  {
    key: "folder",
    label: "admin.folder",
    type: "text",
    placeholder: "{plateFolder}",
    hint: "admin.templateHint",
  },
  {
    key: "fileName",
    label: "admin.fileName",
    type: "text",
    placeholder: "{name}_{plateW}_{plates}Plates{colours}.pdf",
    wide: true,
  },
  { key: "plateFolders", label: "admin.plateFolders", type: "map", hint: "admin.plateFoldersHint" },
];

type Scheme = "ftp" | "ftps" | "sftp" | "file";
/** Which schemes use a target field (absent: every scheme); see src/delivery/ for each transport. */
const targetFieldSchemes: Record<string, Scheme[]> = {
  password: ["ftp", "ftps", "sftp"],
  timeoutSec: ["ftp", "ftps", "sftp"],
  passive: ["ftp", "ftps"],
  insecureTls: ["ftps"],
  ca: ["ftps"],
  hostKey: ["sftp"],
  privateKey: ["sftp"],
  passphrase: ["sftp"],
};

const allTargetFields: Field[] = [
  { key: "name", label: "admin.name", type: "text", required: true },
  {
    key: "url",
    label: "admin.url",
    type: "text",
    required: true,
    placeholder: "ftp://user@host:21/folder",
    hint: "admin.urlHint",
    wide: true,
  },
  { key: "password", label: "admin.password", type: "secret", hint: "admin.secretHint" },
  { key: "timeoutSec", label: "admin.timeoutSec", type: "number" },
  { key: "passive", label: "admin.passive", type: "bool" },
  { key: "insecureTls", label: "admin.insecureTls", type: "bool" },
  { key: "transliterate", label: "admin.transliterate", type: "bool", hint: "admin.transliterateHint" },
  { key: "hostKey", label: "admin.hostKey", type: "text", placeholder: "SHA256:…" },
  { key: "privateKey", label: "admin.privateKey", type: "secret" },
  { key: "passphrase", label: "admin.passphrase", type: "secret" },
  { key: "ca", label: "admin.ca", type: "textarea", wide: true },
];

/**
 * A target's fields for the scheme of its URL: no FTP options on a file:// folder, no host key on
 * FTP. Until the URL names a known scheme only the fields every scheme has.
 */
export function targetFields(target: Record<string, unknown>): Field[] {
  const m = /^(ftps?|sftp|file):\/\//i.exec(String(target.url ?? ""));
  const scheme = (m?.[1].toLowerCase() ?? null) as Scheme | null;
  return allTargetFields.filter((f) => {
    const only = targetFieldSchemes[f.key];
    return !only || (scheme !== null && only.includes(scheme));
  });
}

export const recipientFields: Field[] = [
  { key: "name", label: "admin.name", type: "text", required: true },
  { key: "phone", label: "admin.phone", type: "text", placeholder: "+380…" },
  { key: "telegramChatId", label: "admin.telegramChatId", type: "text" },
  { key: "email", label: "admin.email", type: "text" },
  { key: "webhookUrl", label: "admin.webhookUrl", type: "text", wide: true },
  {
    key: "channels",
    label: "admin.channels",
    type: "multi",
    options: ["sms", "telegram", "email", "webhook"],
  },
  {
    key: "events",
    label: "admin.events",
    type: "multi",
    options: ["delivered", "failed", "duplicate", "warning"],
  },
];

export const hotFolderFields = (s: Settings): Field[] => [
  { key: "path", label: "admin.path", type: "text", required: true, hint: "admin.pathHint", wide: true },
  { key: "bureau", label: "admin.defaultBureau", type: "select", options: s.bureaus.map((b) => b.name) },
  { key: "importMode", label: "admin.importMode", type: "bool", hint: "admin.importModeHint" },
  { key: "polling", label: "admin.polling", type: "bool", hint: "admin.pollingHint" },
];

export const channelFields: Record<"sms" | "telegram" | "email" | "webhook", Field[]> = {
  sms: [
    { key: "url", label: "admin.url", type: "text", placeholder: "https://smsc.ua/sys/send.php", wide: true },
    { key: "login", label: "admin.login", type: "text", required: true },
    { key: "password", label: "admin.password", type: "secret" },
    { key: "sender", label: "admin.sender", type: "text" },
  ],
  telegram: [
    { key: "apiUrl", label: "admin.url", type: "text", placeholder: "https://api.telegram.org" },
    { key: "token", label: "admin.token", type: "secret" },
  ],
  email: [
    { key: "host", label: "admin.host", type: "text", required: true },
    { key: "port", label: "admin.port", type: "number" },
    { key: "secure", label: "admin.secure", type: "bool" },
    { key: "user", label: "admin.user", type: "text" },
    { key: "password", label: "admin.password", type: "secret" },
    { key: "from", label: "admin.from", type: "text", required: true },
    { key: "insecureTls", label: "admin.insecureTls", type: "bool" },
  ],
  webhook: [{ key: "secret", label: "admin.webhookSecret", type: "secret" }],
};

export const channelDefaults: Record<keyof typeof channelFields, Record<string, unknown>> = {
  sms: { url: "https://smsc.ua/sys/send.php", login: "", password: "" },
  telegram: { apiUrl: "https://api.telegram.org", token: "" },
  email: { host: "", port: 587, secure: false, from: "", insecureTls: false },
  webhook: { secret: "" },
};

export const templateFields: Field[] = [
  { key: "delivered", label: "admin.tplDelivered", type: "text", wide: true, hint: "admin.tplHint" },
  { key: "failed", label: "admin.tplFailed", type: "text", wide: true },
  { key: "duplicate", label: "admin.tplDuplicate", type: "text", wide: true },
  { key: "warning", label: "admin.tplWarning", type: "text", wide: true },
];

export const journalFields: Field[] = [
  { key: "private", label: "admin.journalPrivate", type: "bool", hint: "admin.journalPrivateHint" },
  { key: "archiveDays", label: "admin.archiveDays", type: "number" },
  { key: "quarantineDays", label: "admin.quarantineDays", type: "number", hint: "admin.zeroForever" },
  { key: "quarantineMaxMb", label: "admin.quarantineMaxMb", type: "number", hint: "admin.zeroNoLimit" },
  {
    key: "quarantineNoticeHours",
    label: "admin.quarantineNoticeHours",
    type: "number",
    hint: "admin.quarantineNoticeHint",
  },
  { key: "currency", label: "admin.currency", type: "text", hint: "admin.currencyHint" },
];

export const analysisFields: Field[] = [
  { key: "maxFileMb", label: "admin.maxFileMb", type: "number" },
  { key: "maxPages", label: "admin.maxPages", type: "number" },
];

export const markFields: Field[] = [
  { key: "press", label: "admin.markPress", type: "lines", wide: true, hint: "admin.marksHint" },
  { key: "bureau", label: "admin.markBureau", type: "lines", wide: true },
  { key: "paper", label: "admin.markPaper", type: "lines", wide: true },
];

export const renderFields: Field[] = [
  { key: "proofPx", label: "admin.proofPx", type: "number" },
  { key: "thumbPx", label: "admin.thumbPx", type: "number" },
  { key: "previewPpi", label: "admin.previewPpi", type: "number" },
  { key: "inkDpi", label: "admin.inkDpi", type: "number" },
  { key: "concurrency", label: "admin.renderConcurrency", type: "number" },
  { key: "timeoutSec", label: "admin.timeoutSec", type: "number" },
  { key: "memoryLimitMb", label: "admin.gsMemoryLimitMb", type: "number" },
];
