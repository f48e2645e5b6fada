// Generic webhook: JSON POST signed with HMAC-SHA256 of the exact body bytes, so the receiver
// can check it came from us (`X-Pdfupload-Signature: sha256=<hex>`, like GitHub's webhooks).
import { createHmac } from "node:crypto";
import type { Settings } from "../config/settings-schema.ts";
import { post } from "./http.ts";
import { type Notifier, NotifyError } from "./types.ts";

type WebhookSettings = NonNullable<Settings["channels"]["webhook"]>;

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

export function webhookNotifier(cfg: WebhookSettings, timeoutMs: number): Notifier {
  return {
    async send(recipient, message) {
      if (!recipient.webhookUrl) throw new NotifyError("no-address", `${recipient.name} has no webhook URL`);
      const body = JSON.stringify({
        event: message.event,
        text: message.text,
        fields: message.fields,
        recipient: recipient.name,
        sentAt: new Date().toISOString(),
      });
      const { status, text } = await post(
        "webhook",
        recipient.webhookUrl,
        {
          "Content-Type": "application/json",
          "X-Pdfupload-Event": message.event,
          "X-Pdfupload-Signature": signBody(body, cfg.secret),
        },
        body,
        timeoutMs,
      );
      return `HTTP ${status}${text ? ` ${text}` : ""}`;
    },
  };
}
