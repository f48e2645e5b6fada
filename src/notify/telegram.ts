// Telegram Bot API sendMessage. The token is in the URL path: never put the URL in a message.
import type { Settings } from "../config/settings-schema.ts";
import { post } from "./http.ts";
import { type Notifier, NotifyError } from "./types.ts";

type TelegramSettings = NonNullable<Settings["channels"]["telegram"]>;

export function telegramNotifier(cfg: TelegramSettings, timeoutMs: number): Notifier {
  return {
    async send(recipient, message) {
      if (!recipient.telegramChatId)
        throw new NotifyError("no-address", `${recipient.name} has no Telegram chat id`);
      const url = `${cfg.apiUrl.replace(/\/+$/, "")}/bot${cfg.token}/sendMessage`;
      let text: string;
      try {
        ({ text } = await post(
          "Telegram",
          url,
          { "Content-Type": "application/json" },
          JSON.stringify({ chat_id: recipient.telegramChatId, text: message.text }),
          timeoutMs,
        ));
      } catch (err) {
        // Telegram explains refusals in the body of a 4xx: {"ok":false,"description":"Bad Request: chat not found"}.
        if (err instanceof NotifyError && err.code === "http") {
          const description = safeJson(err.reply)?.description;
          if (description) throw new NotifyError("rejected", `Telegram: ${description}`, err.reply);
        }
        throw err;
      }
      const reply = safeJson(text);
      if (reply?.ok !== true) {
        throw new NotifyError("rejected", `Telegram: ${reply?.description ?? text.slice(0, 200)}`, text);
      }
      return text;
    },
  };
}

function safeJson(text: string): { ok?: boolean; description?: string } | null {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
