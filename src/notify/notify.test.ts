// Each channel against a real local server that checks the exact request.
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Settings, settingsSchema } from "../config/settings-schema.ts";
import { notifyEvent, signBody } from "./index.ts";

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

let http: Server;
let base: string;
let seen: Seen[] = [];
let respond: (req: Seen, res: ServerResponse) => void;

let smtp: SMTPServer;
let smtpPort: number;
let mails: { from: string; to: string[]; data: string; user?: string }[] = [];

beforeAll(async () => {
  http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const s = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(s);
      respond(s, res);
    });
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;

  smtp = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === "mailer" && auth.password === "smtp-Secret-3") cb(null, { user: auth.username });
      else cb(new Error("535 Authentication failed"));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString("utf8"),
          user: session.user as string | undefined,
        });
        cb(null);
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", () => r()));
  smtpPort = (smtp.server.address() as { port: number }).port;
});

afterAll(async () => {
  http.closeAllConnections();
  await new Promise<void>((r) => http.close(() => r()));
  await new Promise<void>((r) => smtp.close(() => r()));
});

beforeEach(() => {
  seen = [];
  mails = [];
  respond = (req, res) => {
    if (req.path.startsWith("/sys/send.php")) return json(res, 200, { id: 7, cnt: 1 });
    if (req.path.includes("/sendMessage")) return json(res, 200, { ok: true, result: { message_id: 42 } });
    res.writeHead(204).end();
  };
});

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}

const fields = {
  file: "0537_Technoyug_Flier_Leonov.pdf",
  order: "0537",
  orderName: "Technoyug_Flier",
  plates: 8,
  pages: 2,
  press: "Speedmaster",
  bureau: "Leonov",
  error: "",
  duplicateOf: "",
  job: 12,
};

function settings(over: Partial<Record<keyof Settings, unknown>> = {}): Settings {
  return settingsSchema.parse({
    channels: {
      sms: { url: `${base}/sys/send.php`, login: "shop", password: "sms-Secret-1", sender: "Print" },
      telegram: { apiUrl: `${base}/tg`, token: "123:ABC-tok" },
      email: {
        host: "127.0.0.1",
        port: smtpPort,
        user: "mailer",
        password: "smtp-Secret-3",
        from: "pdfupload@shop.example",
      },
      webhook: { secret: "hook-Secret-4" },
    },
    recipients: [
      {
        name: "Ivan",
        phone: "+38 (050) 123-45-67",
        telegramChatId: "-1001",
        email: "ivan@shop.example",
        webhookUrl: `${base}/hooks/pdf`,
        channels: ["sms", "telegram", "email", "webhook"],
        events: ["delivered", "failed"],
      },
      { name: "Olga", phone: "380671112233", channels: ["sms"], events: ["duplicate"] },
    ],
    ...over,
  });
}

describe("notifyEvent: delivered to every channel", () => {
  it("sends the default text through smsc.ua, Telegram, SMTP and a signed webhook", async () => {
    const results = await notifyEvent("delivered", fields, settings());
    const text = "0537 Technoyug_Flier 8->Speedmaster Leonov";
    expect(results.map((r) => [r.recipient, r.channel, r.ok])).toEqual([
      ["Ivan", "sms", true],
      ["Ivan", "telegram", true],
      ["Ivan", "email", true],
      ["Ivan", "webhook", true],
    ]);

    const sms = seen.find((s) => s.path.startsWith("/sys/send.php"));
    expect(sms?.method).toBe("POST");
    expect(sms?.path).toBe("/sys/send.php"); // the password is not in the URL
    expect(sms?.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(new URLSearchParams(sms?.body))).toEqual({
      login: "shop",
      psw: "sms-Secret-1",
      phones: "+380501234567",
      mes: text,
      charset: "utf-8",
      fmt: "3",
      sender: "Print",
    });
    expect(results[0].reply).toBe('{"id":7,"cnt":1}');

    const tg = seen.find((s) => s.path.includes("sendMessage"));
    expect(tg?.path).toBe("/tg/bot123:ABC-tok/sendMessage");
    expect(tg?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(tg?.body ?? "")).toEqual({ chat_id: "-1001", text });

    const hook = seen.find((s) => s.path === "/hooks/pdf");
    expect(hook?.headers["x-pdfupload-event"]).toBe("delivered");
    const expectedSig = `sha256=${createHmac("sha256", "hook-Secret-4")
      .update(hook?.body ?? "")
      .digest("hex")}`;
    expect(hook?.headers["x-pdfupload-signature"]).toBe(expectedSig);
    const payload = JSON.parse(hook?.body ?? "");
    expect(payload).toMatchObject({
      event: "delivered",
      text,
      recipient: "Ivan",
      fields: { plates: 8, bureau: "Leonov" },
    });

    expect(mails).toHaveLength(1);
    expect(mails[0].from).toBe("pdfupload@shop.example");
    expect(mails[0].to).toEqual(["ivan@shop.example"]);
    expect(mails[0].user).toBe("mailer");
    expect(mails[0].data).toContain(text);
    expect(results[2].reply).toMatch(/^250 /);
  });

  it("only recipients who chose the event are told, with that event's template", async () => {
    const s = settings({ templates: { duplicate: "Дубликат {file} (job {duplicateOf})" } });
    const results = await notifyEvent("duplicate", { ...fields, duplicateOf: 9 }, s);
    expect(results.map((r) => [r.recipient, r.channel, r.ok])).toEqual([["Olga", "sms", true]]);
    const body = new URLSearchParams(seen[0].body);
    expect(body.get("mes")).toBe("Дубликат 0537_Technoyug_Flier_Leonov.pdf (job 9)");
    expect(body.get("phones")).toBe("380671112233");
  });

  it("the warning event: its default template through SMS, Telegram and e-mail (subject says Warning)", async () => {
    const s = settings({
      recipients: [
        {
          name: "Chief",
          phone: "380671112233",
          telegramChatId: "-1002",
          email: "chief@shop.example",
          channels: ["sms", "telegram", "email"],
          events: ["warning"],
        },
      ],
    });
    const warnings = "plate PANTONE 185 C on sheet 2 is blank: a plate would be paid for nothing";
    const results = await notifyEvent("warning", { ...fields, warnings, warningCodes: "blank-plate" }, s);
    expect(results.map((r) => [r.recipient, r.channel, r.ok])).toEqual([
      ["Chief", "sms", true],
      ["Chief", "telegram", true],
      ["Chief", "email", true],
    ]);
    const text = `0537_Technoyug_Flier_Leonov.pdf: ${warnings}`;
    expect(new URLSearchParams(seen.find((x) => x.path.startsWith("/sys/send.php"))?.body).get("mes")).toBe(
      text,
    );
    expect(JSON.parse(seen.find((x) => x.path.includes("sendMessage"))?.body ?? "").text).toBe(text);
    // The subject is MIME-encoded (it carries a dash and the first line of the text).
    expect(mails[0].data).toMatch(/^Subject: =\?UTF-8\?Q\?pdfupload=3A_Warning_/m);
    expect(mails[0].data).toContain("PANTONE 185 C on sheet 2 is blank");
    // Nobody who did not choose the event hears of it.
    expect(await notifyEvent("warning", { ...fields, warnings }, settings())).toEqual([]);
  });

  it("a test bureau and import mode tell nobody", async () => {
    expect(await notifyEvent("delivered", fields, settings(), { test: true })).toEqual([]);
    expect(await notifyEvent("delivered", fields, settings(), { importMode: true })).toEqual([]);
    expect(seen).toEqual([]);
    expect(mails).toEqual([]);
  });
});

describe("failures are results, never exceptions", () => {
  it("smsc.ua error field, Telegram ok:false, webhook 500, wrong SMTP password", async () => {
    respond = (req, res) => {
      if (req.path.startsWith("/sys/send.php"))
        return json(res, 200, { error: "authorise error", error_code: 2 });
      if (req.path.includes("/sendMessage"))
        return json(res, 400, { ok: false, error_code: 400, description: "Bad Request: chat not found" });
      res.writeHead(500).end("boom");
    };
    const s = settings();
    if (s.channels.email) s.channels.email.password = "wrong";
    const results = await notifyEvent("failed", { ...fields, error: "FTP 530" }, s);
    const by = Object.fromEntries(results.map((r) => [r.channel, r]));
    expect(by.sms).toMatchObject({ ok: false, code: "rejected", error: "SMS: authorise error (code 2)" });
    expect(by.telegram).toMatchObject({
      ok: false,
      code: "rejected",
      error: "Telegram: Bad Request: chat not found",
    });
    expect(by.webhook).toMatchObject({ ok: false, code: "http" });
    expect(by.webhook.error).toMatch(/HTTP 500 boom/);
    expect(by.email).toMatchObject({ ok: false, code: "rejected" });
    expect(by.email.error).toMatch(/535/);
    // Secrets never appear in what is shown.
    const shown = JSON.stringify(results);
    for (const secret of ["sms-Secret-1", "123:ABC-tok", "hook-Secret-4", "smtp-Secret-3", "wrong"]) {
      expect(shown).not.toContain(secret);
    }
  });

  it("a server that does not answer in time, one that is down, a missing address, an unset channel", async () => {
    respond = () => {}; // never answers
    const down = "http://127.0.0.1:9/";
    const s = settingsSchema.parse({
      channels: { telegram: { apiUrl: base, token: "t0k" }, webhook: { secret: "s" } },
      recipients: [
        { name: "Slow", telegramChatId: "1", channels: ["telegram"], events: ["failed"] },
        { name: "Down", webhookUrl: down, channels: ["webhook"], events: ["failed"] },
        { name: "NoPhone", channels: ["telegram", "sms"], events: ["failed"] },
      ],
    });
    const results = await notifyEvent("failed", fields, s, { timeoutMs: 300 });
    expect(results.map((r) => [r.recipient, r.channel, r.code])).toEqual([
      ["Slow", "telegram", "timeout"],
      ["Down", "webhook", "network"],
      ["NoPhone", "telegram", "no-address"],
      ["NoPhone", "sms", "not-configured"],
    ]);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(JSON.stringify(results)).not.toContain("t0k");
  });

  it("a broken template falls back to the default text and says so", async () => {
    const s = settings({ templates: { delivered: "{order} {platez}" } });
    const [sms] = await notifyEvent("delivered", fields, { ...s, recipients: [s.recipients[0]] });
    expect(sms.ok).toBe(true);
    expect(sms.warning).toMatch(/\{platez\}.*default was used/);
    expect(new URLSearchParams(seen[0].body).get("mes")).toBe("0537 Technoyug_Flier 8->Speedmaster Leonov");
  });
});

describe("webhook signature", () => {
  it("is the hex HMAC-SHA256 of the exact body", () => {
    expect(signBody('{"a":1}', "k")).toBe(
      `sha256=${createHmac("sha256", "k").update('{"a":1}').digest("hex")}`,
    );
  });
});
