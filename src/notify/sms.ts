// SMS through smsc.ua's HTTP API (https://smsc.ua/api/http/): POST, so the password stays out
// of URLs and proxy logs; fmt=3 answers JSON, an `error` field means it was not sent.
import type { Settings } from "../config/settings-schema.ts";
import { post } from "./http.ts";
import { type Notifier, NotifyError } from "./types.ts";

type SmsSettings = NonNullable<Settings["channels"]["sms"]>;

export function normalisePhone(phone: string): string {
  return phone.replace(/[^\d+]/g, "");
}

export function smsNotifier(cfg: SmsSettings, timeoutMs: number): Notifier {
  return {
    async send(recipient, message) {
      if (!recipient.phone) throw new NotifyError("no-address", `${recipient.name} has no phone number`);
      const form = new URLSearchParams({
        login: cfg.login,
        psw: cfg.password,
        phones: normalisePhone(recipient.phone),
        mes: message.text,
        charset: "utf-8",
        fmt: "3",
      });
      if (cfg.sender) form.set("sender", cfg.sender);
      const { text } = await post(
        "SMS",
        cfg.url,
        { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" },
        form.toString(),
        timeoutMs,
      );
      let reply: { error?: string; error_code?: number; id?: number; cnt?: number };
      try {
        reply = JSON.parse(text);
      } catch {
        throw new NotifyError("rejected", `SMS: the answer is not JSON: ${text.slice(0, 200)}`, text);
      }
      if (reply.error !== undefined) {
        throw new NotifyError(
          "rejected",
          `SMS: ${reply.error}${reply.error_code !== undefined ? ` (code ${reply.error_code})` : ""}`,
          text,
        );
      }
      return text;
    },
  };
}
