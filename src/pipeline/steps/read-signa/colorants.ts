// Separations Signa lists per page in `/PieceInfo /HDAG_COLORANT /Private /HDAG_ColorantNames`.
// They survive re-saving (PieceInfo is kept by most writers), so they are read even without marks.
import type * as mupdf from "mupdf";
import { textValue } from "./pdf-values.ts";

/** Colorant names of one page object, `#20` decoded; null when the page carries no Signa colorant list. */
export function readColorants(pageObj: mupdf.PDFObject): string[] | null {
  const names = pageObj.get("PieceInfo", "HDAG_COLORANT", "Private", "HDAG_ColorantNames");
  if (!names.isArray()) return null;
  const out: string[] = [];
  for (let i = 0; i < names.length; i++) {
    // MuPDF decodes `#xx` in names already; a string-typed entry may still carry them literally.
    const v = textValue(names.get(i));
    if (v)
      out.push(v.replace(/#([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(Number.parseInt(h, 16))).trim());
  }
  return out.filter(Boolean);
}
