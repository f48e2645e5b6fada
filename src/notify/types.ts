import type { Recipient } from "../config/settings-schema.ts";
import type { Fields } from "../rules/template.ts";

export type NotifyEvent = "delivered" | "failed" | "duplicate" | "warning";
export type Channel = Recipient["channels"][number];

export interface NotifyMessage {
  event: NotifyEvent;
  /** The rendered template: the whole SMS / Telegram text, the e-mail body. */
  text: string;
  /** Values the text was made from (sent as JSON by the webhook). */
  fields: Fields;
}

export interface Notifier {
  /** Sends one message; resolves with the server's reply, throws NotifyError. */
  send(recipient: Recipient, message: NotifyMessage): Promise<string>;
}

export type NotifyErrorCode =
  | "not-configured" // the channel has no settings
  | "no-address" // the recipient chose the channel but has no phone/chat/e-mail/URL
  | "timeout"
  | "network" // refused, reset, DNS
  | "http" // a non-2xx status
  | "rejected"; // the service answered and said no (smsc `error`, Telegram `ok:false`, SMTP 5xx)

export class NotifyError extends Error {
  override readonly name = "NotifyError";
  constructor(
    readonly code: NotifyErrorCode,
    message: string,
    /** The server's words, when it said anything. */
    readonly reply: string = "",
  ) {
    super(message);
  }
}

export interface NotificationResult {
  recipient: string;
  channel: Channel;
  ok: boolean;
  reply?: string;
  error?: string;
  code?: NotifyErrorCode;
  /** E.g. the event's template was broken and the default one was used. */
  warning?: string;
}
