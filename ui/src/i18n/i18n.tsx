// Two languages, one dictionary each (en.ts is the key list, ru.ts must match it). Dates and
// numbers go through Intl in the user's locale; API error codes become words here.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { ApiError } from "../api/client.ts";
import type { Note } from "../api/types.ts";
import { en, type Key } from "./en.ts";
import { ru } from "./ru.ts";

export type Lang = "ru" | "en";
export const LANGS: Lang[] = ["ru", "en"];
const DICTS: Record<Lang, Record<Key, string>> = { en, ru };
const STORE_KEY = "pdfupload.lang";

/** Saved choice, else the first of the browser's languages we speak, else English. */
export function detectLang(): Lang {
  try {
    const saved = localStorage.getItem(STORE_KEY);
    if (saved === "ru" || saved === "en") return saved;
  } catch {
    /* storage blocked */
  }
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.toLowerCase().slice(0, 2);
    if (base === "ru" || base === "en") return base;
  }
  return "en";
}

/** The browser's own locale when it is in the chosen language (en-US vs en-GB dates), else a default. */
function localeFor(lang: Lang): string {
  const nav = navigator.languages?.find((l) => l.toLowerCase().startsWith(lang));
  return nav ?? (lang === "ru" ? "ru-RU" : "en-GB");
}

export type Vars = Record<string, string | number>;

export interface Formatters {
  locale: string;
  date(iso: string | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
  time(iso: string | null | undefined): string;
  num(n: number | null | undefined, digits?: number): string;
  /** In the shop's currency (settings: journal.currency), e.g. «3 500,00 ₴». */
  money(n: number | null | undefined): string;
  /** Whole units for chart axes («3 500 ₴»). */
  moneyShort(n: number | null | undefined): string;
  /** m² of plate, always with AREA_DIGITS decimals. */
  area(n: number | null | undefined): string;
  /** A sheet's width × height in the locale's digits and unit («1 030 × 790 мм»). */
  mm(v: readonly number[] | null | undefined): string;
  percent(n: number | null | undefined): string;
  ms(n: number | null | undefined): string;
  bytes(n: number | null | undefined): string;
  month(m: number, style?: "short" | "long"): string;
}

export interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  /** The shop's currency (ISO 4217), from /api/me. */
  setCurrency(c: string): void;
  t(key: Key, vars?: Vars): string;
  /** A key built at run time (step names, error codes): falls back to `fallback` when unknown. */
  tx(key: string, fallback: string, vars?: Vars): string;
  /** Words for an API error: the code's text when we have one, else the server's message. */
  errorText(e: unknown): string;
  /**
   * A sentence the server sent as a note (code + values), in this language; an old row's plain
   * sentence, or a code we have no words for, reads as the server's English text.
   */
  said(n: Note | string | null | undefined): string;
  f: Formatters;
}

const Ctx = createContext<I18n | null>(null);

/**
 * Fills `{name}` and ICU-style plurals `{n, plural, one {# лист} few {# листа} many {# листов} other
 * {# листа}}` (categories from Intl.PluralRules of the locale, `=0` exact matches, `#` is the number
 * in the locale's digits). Plain `{name}` is put in as given (ids, years: format figures with `f`).
 */
export function fill(s: string, vars: Vars | undefined, locale: string, opts: FillOptions = {}): string {
  if (!vars) return s;
  const num = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const rules = new Intl.PluralRules(locale);
  let out = "";
  let i = 0;
  while (i < s.length) {
    const open = s.indexOf("{", i);
    if (open < 0) break;
    out += s.slice(i, open);
    const close = matching(s, open);
    const body = s.slice(open + 1, close);
    const m = /^\s*(\w+)\s*,\s*(plural|select)\s*,(.*)$/s.exec(body);
    const d = /^\s*(\w+)\s*,\s*date\s*$/.exec(body);
    if (d && d[1] in vars) {
      // `{next, date}`: a server time (ISO) in the reader's locale and time zone.
      const t = new Date(String(vars[d[1]]));
      out += Number.isNaN(t.getTime())
        ? String(vars[d[1]])
        : t.toLocaleString(locale, { dateStyle: "short", timeStyle: "short" });
    } else if (m && m[1] in vars && m[2] === "select") {
      // `{owner, select, bureau {бюро} other {машина}}`: the case named by the value.
      const cases = pluralCases(m[3]);
      out += fill(cases[String(vars[m[1]])] ?? cases.other ?? "", vars, locale, opts);
    } else if (m && m[1] in vars) {
      const n = Number(vars[m[1]]);
      const cases = pluralCases(m[3]);
      const text = cases[`=${n}`] ?? cases[rules.select(n)] ?? cases.other ?? "";
      out += fill(text.replace(/#/g, num.format(n)), vars, locale, opts);
    } else if (/^\w+$/.test(body) && body in vars) {
      const v = vars[body];
      out += typeof v === "number" && opts.localNumbers && !opts.plain?.has(body) ? num.format(v) : String(v);
    } else out += s.slice(open, close + 1);
    i = close + 1;
  }
  return out + s.slice(i);
}

export interface FillOptions {
  /** Plain `{n}` numbers in the locale's digits («1 048 576»), except the names in `plain` (ids). */
  localNumbers?: boolean;
  plain?: ReadonlySet<string>;
}

/** Values of server notes that are ids or page numbers: never grouped («№12345», not «№12 345»). */
const ID_VALUES: ReadonlySet<string> = new Set(["job", "id", "page", "pages"]);

function matching(s: string, open: number): number {
  let depth = 0;
  for (let j = open; j < s.length; j++) {
    if (s[j] === "{") depth++;
    else if (s[j] === "}" && --depth === 0) return j;
  }
  return s.length - 1;
}

function pluralCases(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < spec.length) {
    const open = spec.indexOf("{", i);
    if (open < 0) break;
    const name = spec.slice(i, open).trim();
    const close = matching(spec, open);
    out[name] = spec.slice(open + 1, close);
    i = close + 1;
  }
  return out;
}

/** Plate area always shows this many decimals, so a column of m² lines up. */
export const AREA_DIGITS = 2;
export const DEFAULT_CURRENCY = "UAH";

function currencyFormat(locale: string, currency: string, digits: number): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
  } catch {
    // A code Intl does not know: the figure with the code after it, rather than nothing.
    return new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
}

export function formatters(locale: string, currency = DEFAULT_CURRENCY): Formatters {
  const dash = "—";
  const d = new Intl.DateTimeFormat(locale, { year: "numeric", month: "2-digit", day: "2-digit" });
  const dt = new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });
  const tm = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const nf = new Map<number, Intl.NumberFormat>();
  const numf = (digits: number) => {
    const known = nf.get(digits);
    if (known) return known;
    const made = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
    nf.set(digits, made);
    return made;
  };
  const money = currencyFormat(locale, currency, 2);
  const moneyShort = currencyFormat(locale, currency, 0);
  const area = new Intl.NumberFormat(locale, {
    minimumFractionDigits: AREA_DIGITS,
    maximumFractionDigits: AREA_DIGITS,
  });
  const unit = (u: string, digits: number) =>
    new Intl.NumberFormat(locale, {
      style: "unit",
      unit: u,
      unitDisplay: "short",
      maximumFractionDigits: digits,
    });
  const parse = (iso: string | null | undefined) => {
    if (!iso) return null;
    const x = new Date(iso);
    return Number.isNaN(x.getTime()) ? null : x;
  };
  return {
    locale,
    date: (iso) => {
      const x = parse(iso);
      return x ? d.format(x) : dash;
    },
    dateTime: (iso) => {
      const x = parse(iso);
      return x ? dt.format(x) : dash;
    },
    time: (iso) => {
      const x = parse(iso);
      return x ? tm.format(x) : dash;
    },
    num: (n, digits = 0) => (n == null ? dash : numf(digits).format(n)),
    money: (n) => (n == null ? dash : money.format(n)),
    moneyShort: (n) => (n == null ? dash : moneyShort.format(n)),
    area: (n) => (n == null ? dash : area.format(n)),
    mm: (v) =>
      v?.length
        ? `${v
            .slice(0, -1)
            .map((x) => numf(1).format(x))
            .concat(unit("millimeter", 1).format(v[v.length - 1]))
            .join(" × ")}`
        : dash,
    percent: (n) => (n == null ? dash : `${numf(1).format(n)} %`),
    // Units through Intl, so Russian reads "мс", "с", "МБ".
    ms: (n) => {
      if (n == null) return dash;
      if (n < 1000) return unit("millisecond", 0).format(n);
      if (n < 60_000) return unit("second", 1).format(n / 1000);
      return `${unit("minute", 0).format(Math.floor(n / 60_000))} ${unit("second", 0).format(Math.round((n % 60_000) / 1000))}`;
    },
    bytes: (n) => {
      if (n == null) return dash;
      const units = ["byte", "kilobyte", "megabyte", "gigabyte"];
      let v = n;
      let i = 0;
      while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return unit(units[i], i ? 1 : 0).format(v);
    },
    month: (m, style = "short") =>
      new Intl.DateTimeFormat(locale, { month: style }).format(new Date(2020, m - 1, 1)),
  };
}

/** The words and formats of one language, locale and currency (the provider's value; tests call it directly). */
export function createI18n(
  lang: Lang,
  locale: string,
  currency: string,
  setLang: (l: Lang) => void = () => {},
  setCurrency: (c: string) => void = () => {},
): I18n {
  const dict = DICTS[lang];
  const t = (key: Key, vars?: Vars) => fill(dict[key] ?? en[key] ?? key, vars, locale);
  const tx = (key: string, fallback: string, vars?: Vars) => {
    const s = (dict as Record<string, string>)[key];
    return s === undefined ? fallback : fill(s, vars, locale);
  };
  const said = (n: Note | string | null | undefined): string => {
    if (n == null) return "";
    if (typeof n === "string") return n;
    const values: Vars = {};
    // A value named `step` is a pipeline step's name: worded as the timeline words it.
    for (const [k, v] of Object.entries(n.values ?? {}))
      values[k] = typeof v === "object" ? said(v) : k === "step" ? tx(`step.${v}`, String(v)) : v;
    if (n.code === "list") {
      const items = Array.from({ length: Number(values.n) || 0 }, (_, i) => String(values[`i${i}`] ?? ""));
      return items.join(String(values.sep ?? "; "));
    }
    const key = `note.${n.code}`;
    const template = (dict as Record<string, string>)[key];
    const words =
      template === undefined ? "" : fill(template, values, locale, { localNumbers: true, plain: ID_VALUES });
    if (!words) return n.text;
    if (values.pages === undefined) return words;
    // Which pages: «Все листы», «Лист 3», «Листы 2, 5» before the sentence.
    const scope = values.allPages ? t("note.scope.all") : t("note.scope.pages", values);
    return `${scope}: ${words}`;
  };
  return {
    lang,
    setLang,
    setCurrency,
    t,
    tx,
    said,
    errorText: (e: unknown) => {
      if (e instanceof ApiError) {
        const words = tx(`error.${e.code}`, "");
        // The server's message is English: shown only when we have no words for its code.
        return words || e.message || e.code;
      }
      return e instanceof Error ? e.message : String(e);
    },
    f: formatters(locale, currency),
  };
}

export function I18nProvider({ children, initial }: { children: ReactNode; initial?: Lang }) {
  const [lang, setLangState] = useState<Lang>(initial ?? detectLang);
  const [currency, setCurrencyState] = useState(DEFAULT_CURRENCY);
  const setCurrency = useCallback((c: string) => setCurrencyState(c || DEFAULT_CURRENCY), []);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(STORE_KEY, l);
    } catch {
      /* storage blocked: the choice lasts for this page */
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(
    () => createI18n(lang, localeFor(lang), currency, setLang, setCurrency),
    [lang, setLang, currency, setCurrency],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error("useI18n outside I18nProvider");
  return v;
}
