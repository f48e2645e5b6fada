// E-mail through SMTP with nodemailer.
import nodemailer from "nodemailer";
import type { Settings } from "../config/settings-schema.ts";
import { type Notifier, NotifyError } from "./types.ts";

type EmailSettings = NonNullable<Settings["channels"]["email"]>;

const SUBJECTS = {
  delivered: "Delivered",
  failed: "Failed",
  duplicate: "Duplicate",
  warning: "Warning",
} as const;

export function emailNotifier(cfg: EmailSettings, timeoutMs: number): Notifier {
  return {
    async send(recipient, message) {
      if (!recipient.email) throw new NotifyError("no-address", `${recipient.name} has no e-mail address`);
      const transport = nodemailer.createTransport({
        host: cfg.host,
        port: cfg.port,
        secure: cfg.secure,
        auth: cfg.user ? { user: cfg.user, pass: cfg.password ?? "" } : undefined,
        tls: { rejectUnauthorized: !cfg.insecureTls },
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      });
      try {
        const info = await transport.sendMail({
          from: cfg.from,
          to: recipient.email,
          subject: `pdfupload: ${SUBJECTS[message.event]} — ${message.text.split("\n")[0].slice(0, 120)}`,
          text: message.text,
        });
        return info.response;
      } catch (err) {
        const e = err as Error & { code?: string; response?: string; responseCode?: number };
        if (e.responseCode)
          throw new NotifyError(
            "rejected",
            `e-mail ${cfg.host}: ${e.response ?? e.message}`,
            e.response ?? "",
          );
        if (e.code === "ETIMEDOUT") throw new NotifyError("timeout", `e-mail ${cfg.host}: ${e.message}`);
        throw new NotifyError("network", `e-mail ${cfg.host}: ${e.code ? `${e.code}: ` : ""}${e.message}`);
      } finally {
        transport.close();
      }
    },
  };
}
