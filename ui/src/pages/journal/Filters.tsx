// The journal's filter form: dates, press, bureau, file name (a leading `-` negates), status.
import { type FormEvent, useEffect, useState } from "react";
import type { Lookups } from "../../api/types.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { JOB_STATUSES } from "../../lib/jobs.ts";
import { navigate } from "../../lib/router.tsx";
import { apiQuery, defaultFrom, type JournalFilter, journalUrl } from "./filters.ts";

export function Filters({ filter, lookups }: { filter: JournalFilter; lookups: Lookups | null }) {
  const { t, tx, lang } = useI18n();
  const [form, setForm] = useState(filter);
  // The URL is the truth: back/forward and links update the form.
  useEffect(() => setForm(filter), [filter]);
  const set = (k: keyof JournalFilter) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(journalUrl({ ...form, offset: 0 }));
  };
  // Exports are worded (headers, separator, decimal comma) in the language the user reads.
  const exportQ = apiQuery(filter, { lang });
  return (
    <form className="filters" onSubmit={submit} aria-label={t("journal.filters")}>
      <label>
        <span>{t("journal.from")}</span>
        <input type="date" name="from" value={form.from} onChange={set("from")} />
      </label>
      <label>
        <span>{t("journal.to")}</span>
        <input type="date" name="to" value={form.to} onChange={set("to")} />
      </label>
      <label>
        <span>{t("journal.press")}</span>
        <select name="press" value={form.press} onChange={set("press")}>
          <option value="">{t("common.all")}</option>
          {(lookups?.presses ?? []).map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <label>
        <span>{t("journal.bureau")}</span>
        <select name="bureau" value={form.bureau} onChange={set("bureau")}>
          <option value="">{t("common.all")}</option>
          {(lookups?.bureaus ?? []).map((b) => (
            <option key={b}>{b}</option>
          ))}
        </select>
      </label>
      <label className="grow">
        <span>{t("journal.fileName")}</span>
        <input
          type="search"
          name="q"
          value={form.q}
          onChange={set("q")}
          placeholder={t("journal.fileNameHint")}
          maxLength={200}
        />
      </label>
      <label>
        <span>{t("journal.status")}</span>
        <select name="status" value={form.status} onChange={set("status")}>
          <option value="">{t("common.all")}</option>
          {JOB_STATUSES.map((s) => (
            <option key={s} value={s}>
              {tx(`status.${s}`, s)}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          name="attention"
          checked={form.attention}
          onChange={(e) => setForm((f) => ({ ...f, attention: e.target.checked }))}
        />
        <span>{t("journal.needsLook")}</span>
      </label>
      <div className="filter-buttons">
        <button type="submit" className="primary">
          {t("journal.filter")}
        </button>
        <button
          type="button"
          onClick={() =>
            navigate(
              journalUrl({
                ...form,
                from: defaultFrom(),
                to: "",
                press: "",
                bureau: "",
                q: "",
                status: "",
                attention: false,
                offset: 0,
              }),
            )
          }
        >
          {t("journal.clear")}
        </button>
        <button type="button" onClick={() => navigate(`${journalUrl({ ...filter, offset: 0 })}&print=1`)}>
          {t("journal.print")}
        </button>
        <a className="button" href={`/api/jobs/export.csv${exportQ}`} download>
          CSV
        </a>
        <a className="button" href={`/api/jobs/export.xlsx${exportQ}`} download>
          XLSX
        </a>
      </div>
    </form>
  );
}
