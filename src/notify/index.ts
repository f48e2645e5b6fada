// Notifications: render the event's template and send it to every recipient who chose that
// event, on each of their channels. Never throws: a failed notification never fails a job.
import { defaultSettings, type Settings } from "../config/settings-schema.ts";
import { type Fields, type FieldValue, renderTemplate } from "../rules/template.ts";
import { emailNotifier } from "./email.ts";
import { smsNotifier } from "./sms.ts";
import { telegramNotifier } from "./telegram.ts";
import {
  type Channel,
  type NotificationResult,
  type Notifier,
  NotifyError,
  type NotifyEvent,
} from "./types.ts";
import { webhookNotifier } from "./webhook.ts";

export type {
  Channel,
  NotificationResult,
  Notifier,
  NotifyErrorCode,
  NotifyEvent,
  NotifyMessage,
} from "./types.ts";
export { NotifyError } from "./types.ts";
export { signBody } from "./webhook.ts";

type NotifySettings = Pick<Settings, "recipients" | "channels" | "templates">;

export interface NotifyOptions {
  /** The job's bureau is a test bureau (the original's `Admin`): nobody is told. */
  test?: boolean;
  /** Import of old files: nobody is told. */
  importMode?: boolean;
  /** Per message; default 15 s. */
  timeoutMs?: number;
}

/** The notifier for a channel, or null when the channel has no settings. */
export function channelNotifier(
  channel: Channel,
  channels: Settings["channels"],
  timeoutMs = 15_000,
): Notifier | null {
  switch (channel) {
    case "sms":
      return channels.sms ? smsNotifier(channels.sms, timeoutMs) : null;
    case "telegram":
      return channels.telegram ? telegramNotifier(channels.telegram, timeoutMs) : null;
    case "email":
      return channels.email ? emailNotifier(channels.email, timeoutMs) : null;
    case "webhook":
      return channels.webhook ? webhookNotifier(channels.webhook, timeoutMs) : null;
  }
}

function toFields(fields: Record<string, unknown>): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] =
      v === null || v === undefined || typeof v === "string" || typeof v === "number" || v instanceof Date
        ? (v as FieldValue)
        : String(v);
  }
  return out;
}

const DEFAULT_TEMPLATES = defaultSettings().templates;

/** Renders the event's message; a broken template falls back to the built-in one and says so. */
export function renderMessage(
  event: NotifyEvent,
  fields: Fields,
  templates: Settings["templates"],
): { text: string; warning?: string } {
  try {
    return { text: renderTemplate(templates[event], fields) };
  } catch (err) {
    const warning = `template for "${event}" failed (${(err as Error).message}); the default was used`;
    try {
      return { text: renderTemplate(DEFAULT_TEMPLATES[event], fields), warning };
    } catch {
      return { text: `${event}: ${String(fields.file ?? "")}`, warning };
    }
  }
}

export async function notifyEvent(
  event: NotifyEvent,
  fields: Record<string, unknown>,
  settings: NotifySettings,
  opts: NotifyOptions = {},
): Promise<NotificationResult[]> {
  if (opts.test || opts.importMode) return [];
  const f = toFields(fields);
  const { text, warning } = renderMessage(event, f, settings.templates);
  const message = { event, text, fields: f };
  const sends: Promise<NotificationResult>[] = [];
  for (const recipient of settings.recipients) {
    if (!recipient.events.includes(event)) continue;
    for (const channel of new Set(recipient.channels)) {
      const base = { recipient: recipient.name, channel, ...(warning ? { warning } : {}) };
      sends.push(
        (async (): Promise<NotificationResult> => {
          try {
            const notifier = channelNotifier(channel, settings.channels, opts.timeoutMs);
            if (!notifier) throw new NotifyError("not-configured", `channel ${channel} is not set up`);
            return { ...base, ok: true, reply: await notifier.send(recipient, message) };
          } catch (err) {
            const e =
              err instanceof NotifyError
                ? err
                : new NotifyError("network", (err as Error)?.message ?? String(err));
            return {
              ...base,
              ok: false,
              error: e.message,
              code: e.code,
              ...(e.reply ? { reply: e.reply } : {}),
            };
          }
        })(),
      );
    }
  }
  return Promise.all(sends);
}
