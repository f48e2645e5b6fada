// Facts the operator encodes in the file name: `0537_Technoyug_Flier_Leonov.pdf` is order 0537,
// job "Technoyug_Flier", bureau Leonov. File names are data: any Unicode (NFD from macOS clients), spaces,
// quotes, `$()`, doubled or upper-case extensions (`Flyer.pdf.pdf`, `.PDF`).
import type { BureauBy } from "../../../analysis/types.ts";
import { findByName, nameInTokens } from "../../../util/names.ts";

/** Every trailing `.pdf` (any case), or else the one last extension. */
const PDF_EXTENSIONS = /(?:\.pdf\s*)+$/iu;

/** The name without its extension: `Flyer_A5_Korol.pdf.pdf` → `Flyer_A5_Korol`. Original characters kept. */
export function stripExtension(fileName: string): string {
  if (PDF_EXTENSIONS.test(fileName)) {
    const stem = fileName.replace(PDF_EXTENSIONS, "");
    if (stem.trim()) return stem;
  }
  return fileName.replace(/\.[^./\\]*$/, "");
}

/** The last extension without its dot (`pdf`, `PDF`), "" when there is none. */
export function extensionOf(fileName: string): string {
  const stem = stripExtension(fileName);
  const rest = fileName.slice(stem.length).trim();
  const dot = rest.lastIndexOf(".");
  return dot >= 0 ? rest.slice(dot + 1).trim() : "";
}

/** The `_`-separated tokens (one or more in a row) that name a configured bureau, when they do. */
function bureauTokens(stem: string, bureaus: readonly string[]) {
  const tokens = stem.split("_");
  return { tokens, hit: nameInTokens(tokens, bureaus) };
}

/** The bureau the file name names: `_`-separated tokens equal to a configured bureau (the last such). */
export function bureauFromFileName(fileName: string, bureaus: readonly string[]): string | null {
  return bureauTokens(stripExtension(fileName), bureaus).hit?.name ?? null;
}

/**
 * The file name without its extension and without the bureau's tokens, characters as they came
 * (`0537_Technoyug_Flier_Leonov.pdf` → `0537_Technoyug_Flier`). A name that is only the bureau stays.
 */
export function nameWithoutBureau(fileName: string, bureaus: readonly string[]): string {
  const { tokens, hit } = bureauTokens(stripExtension(fileName), bureaus);
  if (!hit || hit.end - hit.start >= tokens.length) return tokens.join("_");
  return [...tokens.slice(0, hit.start), ...tokens.slice(hit.end)].join("_");
}

export function orderFromFileName(
  fileName: string,
  bureaus: readonly string[],
): { order: string | null; orderName: string | null } {
  const { tokens, hit } = bureauTokens(stripExtension(fileName), bureaus);
  const kept = hit ? [...tokens.slice(0, hit.start), ...tokens.slice(hit.end)] : tokens;
  // NFC: the order name is a fact compared and shown, the same whatever form the client wrote.
  const base = kept.join("_").normalize("NFC").trim();
  const order = /^\d+/.exec(base)?.[0] ?? null;
  const rest = order ? base.slice(order.length).replace(/^[\s_.-]+/, "") : base;
  const name = rest.trim();
  return { order, orderName: name || null };
}

export interface FileNameFacts {
  bureau: string | null;
  bureauBy: BureauBy;
  order: string | null;
  orderName: string | null;
}

/**
 * What the file name alone says (used when the PDF could not be read): the bureau token, else the hot
 * folder's bureau (its configured spelling when it is configured), order and order name.
 */
export function fileNameFacts(
  fileName: string,
  bureaus: readonly { name: string }[],
  defaultBureau?: string,
): FileNameFacts {
  const names = bureaus.map((b) => b.name);
  const fromName = bureauFromFileName(fileName, names);
  const fallback = defaultBureau?.trim()
    ? (findByName(bureaus, defaultBureau)?.name ?? defaultBureau.trim())
    : null;
  const bureau = fromName ?? fallback;
  return {
    bureau,
    bureauBy: fromName ? "file-name" : bureau ? "hot-folder" : null,
    ...orderFromFileName(fileName, names),
  };
}
