// Form editors driven by field lists: one list of records (presses, bureaus, targets…) or one
// object (channels, general settings). Each input has a label; a problem from the server shows
// under the field it names.
import { type ReactNode, useId } from "react";
import type { Key } from "../../i18n/en.ts";
import { useI18n } from "../../i18n/i18n.tsx";

export type FieldType =
  | "text"
  | "number"
  | "bool"
  | "select"
  | "secret"
  | "textarea"
  | "multi"
  | "map"
  | "lines";

export interface Field {
  key: string;
  label: Key;
  type: FieldType;
  hint?: Key;
  options?: string[];
  /** Words for fixed options (the value is still the option itself). */
  optionLabels?: Record<string, Key>;
  required?: boolean;
  placeholder?: string;
  /** Wide fields take a whole row of the card. */
  wide?: boolean;
}

export type Rec = Record<string, unknown>;

/** `presses[2].plateWidthMm` → its problem text, as the server words it. */
export type Problems = Map<string, string>;

function FieldInput({
  field,
  value,
  onChange,
  error,
}: {
  field: Field;
  value: unknown;
  onChange: (v: unknown) => void;
  error?: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const described = [field.hint ? hintId : "", error ? errId : ""].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": described,
    name: field.key,
  };
  let input: ReactNode;
  switch (field.type) {
    case "bool":
      return (
        <div className={`field field-bool ${field.wide ? "wide" : ""}`}>
          {/* Where the other fields have their label: the checkbox then sits level with their inputs. */}
          <span className="label-space" aria-hidden="true">
            {"\u00a0"}
          </span>
          <label htmlFor={id} className="bool-box">
            <input
              {...common}
              type="checkbox"
              checked={!!value}
              onChange={(e) => onChange(e.target.checked)}
            />{" "}
            {t(field.label)}
          </label>
          {field.hint ? (
            <small id={hintId} className="muted">
              {t(field.hint)}
            </small>
          ) : null}
          {error ? (
            <small id={errId} className="err">
              {error}
            </small>
          ) : null}
        </div>
      );
    case "number":
      input = (
        <input
          {...common}
          type="number"
          step="any"
          required={field.required}
          value={value === undefined || value === null ? "" : String(value)}
          onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))}
        />
      );
      break;
    case "select":
      input = (
        <select
          {...common}
          value={(value as string) ?? ""}
          onChange={(e) => onChange(e.target.value || undefined)}
        >
          <option value="">—</option>
          {(field.options ?? []).map((o) => (
            <option key={o} value={o}>
              {field.optionLabels?.[o] ? t(field.optionLabels[o]) : o}
            </option>
          ))}
          {value && !(field.options ?? []).includes(value as string) ? (
            <option>{value as string}</option>
          ) : null}
        </select>
      );
      break;
    case "secret":
      input = (
        <input
          {...common}
          type="password"
          autoComplete="new-password"
          value={(value as string) ?? ""}
          onChange={(e) => onChange(e.target.value || undefined)}
        />
      );
      break;
    case "textarea":
      input = (
        <textarea
          {...common}
          rows={3}
          value={(value as string) ?? ""}
          onChange={(e) => onChange(e.target.value || undefined)}
        />
      );
      break;
    case "lines":
      // A list of strings, one per line (regexes).
      input = (
        <textarea
          {...common}
          rows={3}
          value={((value as string[]) ?? []).join("\n")}
          onChange={(e) => onChange(e.target.value.split("\n").filter((l) => l.trim() !== ""))}
        />
      );
      break;
    case "multi": {
      const list = (value as string[]) ?? [];
      return (
        <fieldset className={`field field-multi ${field.wide ? "wide" : ""}`} aria-describedby={described}>
          <legend>{t(field.label)}</legend>
          {(field.options ?? []).map((o) => (
            <label key={o}>
              <input
                type="checkbox"
                checked={list.includes(o)}
                onChange={(e) => onChange(e.target.checked ? [...list, o] : list.filter((x) => x !== o))}
              />{" "}
              {o}
            </label>
          ))}
          {error ? (
            <small id={errId} className="err">
              {error}
            </small>
          ) : null}
        </fieldset>
      );
    }
    case "map":
      return (
        <MapInput
          field={field}
          value={(value as Record<string, string>) ?? {}}
          onChange={onChange}
          error={error}
        />
      );
    default:
      input = (
        <input
          {...common}
          type="text"
          required={field.required}
          placeholder={field.placeholder}
          value={(value as string) ?? ""}
          onChange={(e) => onChange(e.target.value === "" && !field.required ? undefined : e.target.value)}
        />
      );
  }
  return (
    <div className={`field ${field.wide ? "wide" : ""}`}>
      <label htmlFor={id}>{t(field.label)}</label>
      {input}
      {field.hint ? (
        <small id={hintId} className="muted">
          {t(field.hint)}
        </small>
      ) : null}
      {error ? (
        <small id={errId} className="err">
          {error}
        </small>
      ) : null}
    </div>
  );
}

/** Key → value pairs (a bureau's plate folders by plate size). */
function MapInput({
  field,
  value,
  onChange,
  error,
}: {
  field: Field;
  value: Record<string, string>;
  onChange: (v: unknown) => void;
  error?: string;
}) {
  const { t } = useI18n();
  const entries = Object.entries(value);
  const put = (list: [string, string][]) => onChange(Object.fromEntries(list));
  return (
    <fieldset className="field field-map wide">
      <legend>{t(field.label)}</legend>
      {field.hint ? <small className="muted">{t(field.hint)}</small> : null}
      {entries.map(([k, v], i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the key itself is being edited
        <div key={i} className="map-row">
          <input
            aria-label={`${t(field.label)} ${i + 1}: ${t("admin.mapKey")}`}
            value={k}
            placeholder="1030x770"
            onChange={(e) => put(entries.map((x, j) => (j === i ? [e.target.value, x[1]] : x)))}
          />
          <span aria-hidden="true">→</span>
          <input
            aria-label={`${t(field.label)} ${i + 1}: ${t("admin.mapValue")}`}
            value={v}
            onChange={(e) => put(entries.map((x, j) => (j === i ? [x[0], e.target.value] : x)))}
          />
          <button
            type="button"
            className="icon-btn"
            onClick={() => put(entries.filter((_, j) => j !== i))}
            aria-label={t("admin.remove")}
          >
            ×
          </button>
        </div>
      ))}
      <button type="button" onClick={() => put([...entries, ["", ""]])}>
        {t("admin.addPair")}
      </button>
      {error ? <small className="err">{error}</small> : null}
    </fieldset>
  );
}

export function ObjectEditor({
  fields,
  value,
  onChange,
  path,
  problems,
}: {
  fields: Field[];
  value: Rec;
  onChange: (v: Rec) => void;
  path: string;
  problems: Problems;
}) {
  return (
    <div className="field-grid">
      {fields.map((f) => (
        <FieldInput
          key={f.key}
          field={f}
          value={getPath(value, f.key)}
          error={problems.get(`${path}.${f.key}`)}
          onChange={(v) => onChange(setPath(value, f.key, v))}
        />
      ))}
    </div>
  );
}

/** A field's value; `inkZones.count` reads inside a nested object. */
function getPath(value: Rec, key: string): unknown {
  return key.split(".").reduce<unknown>((v, k) => (v as Rec | undefined)?.[k], value);
}

/** A copy with the field set (undefined removes it; a nested object left empty goes too). */
function setPath(value: Rec, key: string, v: unknown): Rec {
  const [head, ...rest] = key.split(".");
  const next = { ...value };
  const inner = rest.length ? setPath((value[head] as Rec | undefined) ?? {}, rest.join("."), v) : v;
  if (inner === undefined || (rest.length && Object.keys(inner as Rec).length === 0)) delete next[head];
  else next[head] = inner;
  return next;
}

export function ListEditor({
  title,
  section,
  fields,
  items,
  onChange,
  make,
  problems,
  extra,
}: {
  title: string;
  section: string;
  /** The fields, or the fields for one entry (a target's depend on its URL's scheme). */
  fields: Field[] | ((item: Rec) => Field[]);
  items: Rec[];
  onChange: (items: Rec[]) => void;
  make: () => Rec;
  problems: Problems;
  extra?: (item: Rec, index: number) => ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div className="list-editor" data-section={section}>
      {items.map((item, i) => (
        <fieldset
          // biome-ignore lint/suspicious/noArrayIndexKey: entries are edited in place, names may be empty or change
          key={i}
          className="card"
          data-index={i}
        >
          <legend>{(item.name as string) || (item.path as string) || `${title} ${i + 1}`}</legend>
          <ObjectEditor
            fields={typeof fields === "function" ? fields(item) : fields}
            value={item}
            path={`${section}[${i}]`}
            problems={problems}
            onChange={(v) => onChange(items.map((x, j) => (j === i ? v : x)))}
          />
          {problems.get(`${section}[${i}]`) ? (
            <p className="err small">{problems.get(`${section}[${i}]`)}</p>
          ) : null}
          <div className="row-actions">
            {extra?.(item, i)}
            <button
              type="button"
              className="danger"
              onClick={() => onChange(items.filter((_, j) => j !== i))}
            >
              {t("admin.remove")}
            </button>
          </div>
        </fieldset>
      ))}
      <button type="button" className="add" onClick={() => onChange([...items, make()])}>
        + {t("admin.add")}
      </button>
    </div>
  );
}
