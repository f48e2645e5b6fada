// Settings the shop edits (DB-backed; round-trips through one YAML file).
// Every field has a default so a minimal YAML (presses + bureaus) is enough.
import { z } from "zod";
import { DEFAULT_PDF_MEMORY_LIMIT_MB, DEFAULT_PDF_WORKERS } from "./analysis-defaults.ts";

const name = z.string().trim().min(1, "must not be empty").max(100);

/** A regex applied to mark text (case-insensitive, Unicode). */
const regexText = z.string().refine((s) => {
  try {
    new RegExp(s, "iu");
    return true;
  } catch {
    return false;
  }
}, "must be a valid regular expression");

/**
 * The press's ink zones, across the sheet (along the gripper edge), centred on the plate's centre
 * line as the press centres the sheet. Zone 1 is at `startEdge`, seen with the gripper edge at the
 * bottom (the plate's frame). The PPF goes to `target` (default: the press's preview target).
 */
export const inkZonesSchema = z.strictObject({
  enabled: z.boolean().default(true),
  count: z.number().int().min(1).max(100).default(32),
  widthMm: z.number().positive().max(200).default(32.5),
  startEdge: z.enum(["left", "right"]).default("left"),
  target: z.string().optional(),
  folder: z.string().default(""),
  nameTemplate: z.string().default("{name}_{sheet}.ppf"),
  /**
   * Regexes (case-insensitive, Unicode) for mark text that says a page is the sheet's back (the
   * PPF's side). Empty: the built-in words (src/ppf/sheet-side.ts).
   */
  backMarks: z.array(regexText).default([]),
});

export const pressSchema = z.strictObject({
  name,
  plateWidthMm: z.number().positive().max(3000),
  plateHeightMm: z.number().positive().max(3000),
  gripperMm: z.number().min(0).max(500).default(0),
  plateCost: z.number().min(0).default(0),
  /** Where several presses share a plate size, the higher priority wins the plate-size match. */
  priority: z.number().int().default(0),
  /** Delivery target (by name) that receives the preview for the press operator. */
  previewTarget: z.string().optional(),
  /** Remote folder template for the preview. */
  previewFolder: z.string().default(""),
  /** File name template for the preview. */
  previewName: z.string().default("{name}.pdf"),
  /** Ink-key presets: per-zone coverage of each separation and a CIP3 PPF file per sheet. */
  inkZones: inkZonesSchema.optional(),
});

export const bureauSchema = z.strictObject({
  name,
  /** A test bureau (the original's `Admin`): processed and delivered, never notified. */
  test: z.boolean().default(false),
  /** Delivery target (by name) that receives the original PDF. */
  target: z.string().optional(),
  /** Remote folder template, e.g. `{plateFolder}` or `_{plateW}x{plateH}`. */
  folder: z.string().default(""),
  /** File name template, e.g. `{name}_{plateW}_{plates}Plates{colours}.pdf`. */
  fileName: z.string().default("{name}.pdf"),
  /** Extra template values by plate size, e.g. { "1030x770": "_1030x770", "740x575": "_ADAST" }. */
  plateFolders: z.record(z.string(), z.string()).default({}),
});

export const targetSchema = z.strictObject({
  name,
  /** ftp://user@host:port/folder, ftps://…, sftp://…, file:///path */
  url: z.string().min(1),
  password: z.string().optional(),
  privateKey: z.string().optional(),
  /** SFTP: passphrase of `privateKey` (secret). */
  passphrase: z.string().optional(),
  /** SFTP: expected host key fingerprint (SHA256:… as ssh-keygen prints it). */
  hostKey: z.string().optional(),
  /** FTPS: extra trusted CA / self-signed certificate (PEM), so checks can stay on. */
  ca: z.string().optional(),
  /**
   * FTP/FTPS data connections: passive (EPSV/PASV, we connect to the server) or, when false,
   * active (EPRT, else PORT: the server connects back to an ephemeral port on the address our
   * control connection uses, so it must be able to reach us — no NAT or firewall in between).
   * A server that refuses EPRT and PORT fails the delivery as `config`. Ignored by sftp/file.
   */
  passive: z.boolean().default(true),
  /** FTPS: allow self-signed / mismatched certificates. */
  insecureTls: z.boolean().default(false),
  transliterate: z.boolean().default(false),
  timeoutSec: z.number().positive().default(60),
});

export const recipientSchema = z.strictObject({
  name,
  phone: z.string().optional(),
  telegramChatId: z.string().optional(),
  email: z.string().optional(),
  webhookUrl: z.string().optional(),
  channels: z.array(z.enum(["sms", "telegram", "email", "webhook"])).default([]),
  events: z.array(z.enum(["delivered", "failed", "duplicate", "warning"])).default(["delivered"]),
});

export const hotFolderSchema = z.strictObject({
  /** Absolute, or relative to the data directory. */
  path: z.string().min(1),
  bureau: z.string().optional(),
  importMode: z.boolean().default(false),
  polling: z.boolean().default(false),
});

export const markSchema = z.strictObject({
  /**
   * Regexes (case-insensitive, Unicode) applied to mark text; named groups `press`, `bureau`, `w`, `h`.
   * A non-empty list replaces the built-in dialects (src/pipeline/steps/identify/patterns.ts).
   */
  press: z.array(regexText).default([]),
  bureau: z.array(regexText).default([]),
  paper: z.array(regexText).default([]),
});

export const channelsSchema = z.strictObject({
  sms: z
    .strictObject({
      url: z.string().default("https://smsc.ua/sys/send.php"),
      login: z.string(),
      password: z.string(),
      sender: z.string().optional(),
    })
    .optional(),
  telegram: z
    .strictObject({ apiUrl: z.string().default("https://api.telegram.org"), token: z.string() })
    .optional(),
  email: z
    .strictObject({
      host: z.string(),
      port: z.number().int().default(587),
      secure: z.boolean().default(false),
      user: z.string().optional(),
      password: z.string().optional(),
      from: z.string(),
      insecureTls: z.boolean().default(false),
    })
    .optional(),
  webhook: z.strictObject({ secret: z.string() }).optional(),
});

export const settingsSchema = z.strictObject({
  presses: z.array(pressSchema).default([]),
  bureaus: z.array(bureauSchema).default([]),
  targets: z.array(targetSchema).default([]),
  recipients: z.array(recipientSchema).default([]),
  hotFolders: z.array(hotFolderSchema).default([]),
  channels: channelsSchema.prefault({}),
  templates: z
    .strictObject({
      delivered: z.string().default("{order} {orderName} {plates}->{press} {bureau}"),
      failed: z.string().default("{file}: {error}"),
      duplicate: z.string().default("{file}: duplicate of job {duplicateOf}"),
      /** A done job with warnings (blank or missing plates, outputs not made, waits for a bureau). */
      warning: z.string().default("{file}: {warnings}"),
    })
    .prefault({}),
  analysis: z
    .strictObject({
      marks: markSchema.optional(),
      maxFileMb: z.number().positive().default(2048),
      maxPages: z.number().int().positive().default(500),
      /** A page side longer than this (mm) is refused: no press takes it, and rendering it would not end. */
      maxPageMm: z.number().positive().default(5000),
      /** Largest decompressed stream or decoded image (MB): refuses "PDF bombs" before MuPDF inflates them. */
      maxStreamMb: z.number().positive().default(512),
      /** PDF work (analysis, crop) runs in child processes: per file time limit… */
      timeLimitSec: z.number().positive().default(300),
      /** …and memory limit (resident set of the child, MuPDF's WASM heap included). */
      memoryLimitMb: z.number().int().min(128).default(DEFAULT_PDF_MEMORY_LIMIT_MB),
      /** How many such child processes may run at once. */
      workers: z.number().int().min(1).max(32).default(DEFAULT_PDF_WORKERS),
    })
    .prefault({}),
  render: z
    .strictObject({
      proofPx: z.number().int().min(100).max(10000).default(2500),
      thumbPx: z.number().int().min(32).max(1000).default(175),
      previewPpi: z.number().int().min(36).max(1200).default(150),
      inkDpi: z.number().int().min(18).max(600).default(72),
      concurrency: z.number().int().min(1).max(32).default(2),
      timeoutSec: z.number().positive().default(600),
      /** Address-space limit of each Ghostscript process (MB): a hostile page cannot take the machine. */
      memoryLimitMb: z.number().int().min(256).default(2048),
    })
    .prefault({}),
  journal: z
    .strictObject({
      /** Reading the journal needs a login. */
      private: z.boolean().default(false),
      archiveDays: z.number().int().min(0).default(365),
      /** Refused originals are kept this many days (0 = forever)… */
      quarantineDays: z.number().int().min(0).default(90),
      /** …and the quarantine at most this many MB, oldest removed first (0 = no limit)… */
      quarantineMaxMb: z.number().min(0).default(20_480),
      /** …each removal announced (log, the job's journal, health) this many hours before. */
      quarantineNoticeHours: z.number().min(0).default(24),
      /** The shop's currency (ISO 4217) for plate prices and money in the UI, reports and exports. */
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/, "a three-letter ISO 4217 code, e.g. UAH, EUR, USD")
        .default("UAH"),
    })
    .prefault({}),
});

export type Settings = z.infer<typeof settingsSchema>;
export type Press = z.infer<typeof pressSchema>;
export type InkZoneSettings = z.infer<typeof inkZonesSchema>;
export type Bureau = z.infer<typeof bureauSchema>;
export type Target = z.infer<typeof targetSchema>;
export type Recipient = z.infer<typeof recipientSchema>;
export type HotFolder = z.infer<typeof hotFolderSchema>;
export type MarkSettings = z.infer<typeof markSchema>;

export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}
