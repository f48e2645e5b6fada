// What the server says as notes (code + values) reads in Russian and English through the UI's own
// words (ui/src/i18n): every code the server can make has words in both languages; real notes from
// identify, the delivery plan and a refusal are worded with plurals, page scopes and nested reasons;
// an old row's English sentence still shows; money, area and sizes follow the locale and the currency.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Analysis } from "../../src/analysis/types.ts";
import { identify } from "../../src/pipeline/steps/identify/identify.ts";
import { analysisError } from "../../src/pipeline/steps/inspect/errors.ts";
import { mmToPt, type RectPt } from "../../src/pipeline/steps/inspect/geometry.ts";
import { planDeliveries } from "../../src/rules/plan.ts";
import { note, noteList } from "../../src/util/note.ts";
import { en } from "../../ui/src/i18n/en.ts";
import { createI18n } from "../../ui/src/i18n/i18n.tsx";
import { ru } from "../../ui/src/i18n/ru.ts";
import { testSettings } from "../fixtures/signa.ts";

const RU = createI18n("ru", "ru-RU", "UAH");
const EN = createI18n("en", "en-GB", "UAH");
const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

/** Every literal note code in the server's sources (`note("code"`, and codes chosen by a ternary). */
function serverCodes(): Set<string> {
  const codes = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".ts") && !p.endsWith(".test.ts")) {
        const src = fs.readFileSync(p, "utf8");
        for (const m of src.matchAll(
          /note\(\s*(?:[\w.]+\s*\?\s*)?"([a-z]+\.[a-z-]+)"(?:\s*:\s*"([a-z]+\.[a-z-]+)")?/g,
        )) {
          codes.add(m[1]);
          if (m[2]) codes.add(m[2]);
        }
      }
    }
  };
  walk(path.resolve(import.meta.dirname, "../../src"));
  return codes;
}

describe("server notes in the UI's words", () => {
  it("has Russian and English words for every note code the server makes", () => {
    const codes = serverCodes();
    expect(codes.size).toBeGreaterThan(60);
    // Codes built at run time: plan problems, and one line per delivery kind.
    for (const p of [
      "no-target",
      "unknown-target",
      "rule",
      "no-bureau",
      "unknown-bureau",
      "no-press",
      "unknown-press",
    ])
      codes.add(`plan.${p}`);
    for (const k of ["bureau", "press"]) codes.add(`plan.${k}`).add(`plan.${k}-skipped`).add(`deliver.${k}`);
    // A transport's failure, by its DeliveryErrorCode.
    for (const c of [
      "config",
      "local-file",
      "bad-path",
      "connect",
      "timeout",
      "tls",
      "host-key",
      "auth",
      "permission",
      "disk-full",
      "size-mismatch",
      "aborted",
      "server",
    ])
      codes.add(`delivery.${c}`);
    for (const c of ["unknown-field", "bad-template", "bad-format", "empty-name"]) codes.add(`rule.${c}`);
    const missing = [...codes].filter((c) => !(`note.${c}` in en) || !(`note.${c}` in ru));
    expect(missing).toEqual([]);
  });

  it("words identify's warnings with the page scope and the values", () => {
    const plate = [0, 0, 500, 400].map(mmToPt) as RectPt;
    const s = testSettings();
    const r = identify({
      fileName: "0537_Flier.pdf",
      pages: [1, 2, 3].map((page) => ({
        page,
        mediaBox: plate,
        trimBox: null,
        colorants: ["Black"],
        marks: [],
        contentBoxPt: null,
      })),
      presses: s.presses,
      bureaus: s.bureaus,
    });
    const words = r.warnings.map(RU.said);
    expect(words).toContain(
      "Все листы: машина не найдена: ни одна метка не называет машину из настроек, и размер пластины (500×400 мм) не подходит ни к одной. Добавьте машину в настройках или исправьте метку Machine в Signa.",
    );
    expect(words.some((w) => w.startsWith("Бюро вывода не найдено"))).toBe(true);
    // The English words read as the server's own text.
    expect(r.warnings.map(EN.said)[0]).toMatch(/^All sheets: no press found/);
  });

  it("words delivery skip reasons with the owner's kind and name", () => {
    const s = testSettings();
    const sheet = { page: 1, press: "Speedmaster", plateMm: [1030, 770], colorants: ["Black"], marks: {} };
    const a = {
      file: "0537_Korol.pdf",
      bureau: "Korol",
      pages: 1,
      plates: 1,
      sheets: [sheet],
      order: "0537",
      orderName: null,
    } as unknown as Analysis;
    const [bureau, preview] = planDeliveries(a, s, "0537_Korol.pdf");
    expect(bureau.reason && RU.said(bureau.reason)).toBe("у бюро Korol не указано, куда отправлять");
    expect(preview.reason && RU.said(preview.reason)).toBe(
      "у машины Speedmaster не указано, куда отправлять",
    );
    expect(bureau.reason && EN.said(bureau.reason)).toBe(bureau.missing);
  });

  it("words step details with Russian plurals", () => {
    const summary = (complects: number, plates: number) =>
      note("analyse.summary", "…", { complects, plates, press: "Speedmaster", bureau: "Leonov" });
    expect(RU.said(summary(1, 4))).toBe("1 комплект, 4 пластины, машина Speedmaster, бюро Leonov");
    expect(RU.said(summary(3, 12))).toBe("3 комплекта, 12 пластин, машина Speedmaster, бюро Leonov");
    expect(RU.said(summary(5, 21))).toBe("5 комплектов, 21 пластина, машина Speedmaster, бюро Leonov");
    expect(EN.said(summary(1, 1))).toBe("1 complect, 1 plate, press Speedmaster, bureau Leonov");
    const list = noteList(
      [
        note("deliver.bureau", "bureau sent", { state: "sent" }),
        note("deliver.press", "press failed", { state: "failed" }),
      ],
      ", ",
    );
    expect(RU.said(list)).toBe("оригинал: отправлен, превью: ошибка");
    // Figures in values use the locale's digits; ids do not.
    expect(nbsp(RU.said(note("intake.summary", "…", { bytes: 1048576, sha: "abc" })))).toBe(
      "1 048 576 байт, sha256 abc",
    );
    expect(RU.said(note("reason.duplicate-of", "…", { job: 12345 }))).toBe(
      "Этот же файл уже обработан как задание №12345.",
    );
  });

  it("words a refusal's reason, with a nested hazard", () => {
    const e = analysisError(
      "too-complex",
      note("reason.hazard-on-page", "On page 2, …", {
        page: 2,
        hazard: note("hazard.deep", "…", { max: 24, chain: "form /F1 → form /F2 → …" }),
      }),
    );
    expect(RU.said(e.reason)).toBe(
      "На листе 2 его формы и узоры вложены глубже 24 уровней (form /F1 → form /F2 → …).",
    );
    expect(e.message).toMatch(/Simplify or re-export the sheet/);
  });

  it("keeps old rows readable: a plain sentence, or a code without words, shows the server's text", () => {
    expect(RU.said("The PDF is damaged (old row).")).toBe("The PDF is damaged (old row).");
    expect(RU.said(note("some.future-code", "A sentence from a newer server."))).toBe(
      "A sentence from a newer server.",
    );
    expect(RU.said(null)).toBe("");
  });

  it("formats money in the shop's currency, area with fixed decimals, sizes with the unit", () => {
    expect(nbsp(RU.f.money(3500))).toBe("3 500,00 ₴");
    expect(nbsp(RU.f.moneyShort(3500))).toBe("3 500 ₴");
    expect(nbsp(EN.f.money(3500))).toBe("UAH 3,500.00");
    expect(nbsp(createI18n("ru", "ru-RU", "EUR").f.money(12.5))).toBe("12,50 €");
    expect(RU.f.area(1.5)).toBe("1,50");
    expect(RU.f.area(2)).toBe("2,00");
    expect(nbsp(RU.f.mm([1030, 770]))).toMatch(/^1 ?030 × 770 мм$/);
    expect(EN.f.mm([1030, 770.5])).toBe("1,030 × 770.5 mm");
  });
});

describe("routing rule problems in the UI's words", () => {
  it("words an unknown field and a stray brace from the template's own error", async () => {
    const { previewRule } = await import("../../src/rules/plan.ts");
    const a = {
      file: "x.pdf",
      bureau: "Korol",
      pages: 1,
      plates: 1,
      sheets: [],
      order: "0537",
      orderName: null,
    } as unknown as Analysis;
    const unknown = previewRule("{order}_{plats}", a);
    expect(unknown.ok).toBe(false);
    if (unknown.ok) return;
    expect(RU.said(unknown.error.reason)).toMatch(
      /^неизвестное поле «plats» в «\{order\}_\{plats\}»; известные поля: .*order/,
    );
    const stray = previewRule("{order}}x", a, { kind: "folder" });
    if (stray.ok) throw new Error("a stray brace must be refused");
    expect(RU.said(stray.error.reason)).toBe(
      "закрывающая фигурная скобка в позиции 8 в «{order}}x» без открывающей (чтобы вывести скобку, напишите две)",
    );
  });
});

describe("settings problems in the UI's words", () => {
  it("words what a refused settings document expected, field by field", async () => {
    const { checkSettings, SettingsError } = await import("../../src/config/settings-file.ts");
    const s = testSettings();
    const bad = {
      ...s,
      presses: [{ ...s.presses[0], plateWidthMm: "wide" }],
      render: { ...s.render, concurrency: 0 },
      journal: { ...s.journal, currency: "hryvnia" },
      extra: 1,
    };
    let problems: { path: string; said?: Parameters<typeof RU.said>[0] }[] = [];
    try {
      checkSettings(bad);
    } catch (e) {
      if (!(e instanceof SettingsError)) throw e;
      problems = e.problems;
    }
    const by = Object.fromEntries(problems.map((p) => [p.path, RU.said(p.said)]));
    expect(by["presses[0].plateWidthMm"]).toBe("должно быть: число");
    expect(by["render.concurrency"]).toBe("должно быть не меньше 1");
    expect(by.extra).toBe("неизвестное поле (проверьте написание): extra");
    expect(by["journal.currency"]).toBe("трёхбуквенный код валюты ISO 4217, например UAH, EUR, USD");
  });
});

describe("settings problems across entries in the UI's words", () => {
  it("words a duplicate name, an unknown target and bureau, a bad URL and a missing section", async () => {
    const { parseShopSettings, SettingsError } = await import("../../src/config/settings-file.ts");
    const yaml = [
      "bureaus:",
      "  - { name: Korol, target: nowhere }",
      "  - { name: KOROL, target: ftp-korol }",
      "targets:",
      "  - { name: ftp-korol, url: 'http://ctp.example/in' }",
      "hotFolders:",
      "  - { name: in, path: /srv/in, bureau: Petrov }",
    ].join("\n");
    let err: unknown;
    try {
      parseShopSettings(yaml);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SettingsError);
    const problems = (err as InstanceType<typeof SettingsError>).problems;
    const ru = (p: string) => {
      const q = problems.find((x) => x.path === p);
      expect(q?.said, p).toBeDefined();
      return RU.said(q?.said);
    };
    expect(ru("bureaus[1].name")).toBe("это имя уже есть выше (имена сравниваются без учёта регистра)");
    expect(ru("bureaus[0].target")).toBe("должно быть одной из целей: ftp-korol");
    expect(ru("targets[0].url")).toBe("адрес должен начинаться с ftp://, ftps://, sftp:// или file://");
    expect(ru("hotFolders[0].bureau")).toBe("должно быть одним из бюро: Korol, KOROL");
    expect(ru("presses")).toBe("нужна хотя бы одна машина");
    // The English text the CLI prints stays beside the note.
    expect(problems.find((x) => x.path === "targets[0].url")?.expected).toMatch(/^a URL starting ftp:\/\//);
    // Every problem of the refusal is worded: none is left as a bare English sentence.
    expect(problems.filter((p) => !p.said && !p.code)).toEqual([]);
  });

  it("words a YAML syntax error with its line", async () => {
    const { parseShopSettings, SettingsError } = await import("../../src/config/settings-file.ts");
    let err: unknown;
    try {
      parseShopSettings("presses:\n  - name: [unclosed\n");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SettingsError);
    const p = (err as InstanceType<typeof SettingsError>).problems[0];
    expect(RU.said(p.said)).toMatch(/^ошибка синтаксиса YAML в строке \d+ \(/);
    expect(EN.said(p.said)).toMatch(/^YAML syntax error on line \d+ \(/);
  });
});

describe("job log lines in the UI's words", () => {
  it("words a failed delivery with the transport's reason and the next try in the reader's locale", () => {
    const next = "2026-12-04T12:00:00.000Z"; // midday: the same date in any time zone within ±11 h
    const line = note("log.delivery-failed", "delivery to bureau Korol failed: …", {
      kind: "bureau",
      target: "Korol",
      what: note("delivery.auth", "530 Login incorrect.", { detail: "530 Login incorrect." }),
      next,
      again: 1,
    });
    const local = new Date(next).toLocaleString("ru-RU", { dateStyle: "short", timeStyle: "short" });
    expect(RU.said(line)).toBe(
      `отправка в бюро Korol не удалась: сервер не принял логин или пароль (530 Login incorrect.) — следующая попытка ${local}`,
    );
    expect(local).toMatch(/^04\.12\.2026, \d{2}:\d{2}$/);
    const last = note("log.delivery-failed", "…", {
      kind: "press",
      target: "SM74",
      what: "gone",
      next: "",
      again: 0,
    });
    expect(EN.said(last)).toBe("delivery to press SM74 failed: gone");
  });

  it("words a render that left sheets out, naming each missing part", () => {
    const line = note("log.render-lacking", "…", {
      count: 2,
      total: 5,
      sheets: noteList([
        note("log.sheet-lacks", "…", {
          page: 2,
          missing: noteList(
            [note("render.part", "proof", { part: "proof" }), note("render.part", "inks", { part: "inks" })],
            ", ",
          ),
        }),
        note("log.sheet-lacks", "…", { page: 4, missing: note("render.part", "inks", { part: "inks" }) }),
      ]),
    });
    expect(RU.said(line)).toBe(
      "пробы: не отрисовано 2 из 5 листов: лист 2 — нет: пробы, покрытия краской; лист 4 — нет: покрытия краской",
    );
  });
});
