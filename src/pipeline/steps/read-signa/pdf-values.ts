// Small readers for PDF values whose type varies between writers (names vs strings).
import type * as mupdf from "mupdf";

/** A name or string value as text; null for anything else. */
export function textValue(obj: mupdf.PDFObject): string | null {
  if (obj.isName()) return obj.asName();
  if (obj.isString()) return obj.asString();
  return null;
}

/** `obj[key]` when `obj` is a dictionary; PDFObject.Null otherwise (MuPDF.js throws on `Null.get`). */
export function dictAt(obj: mupdf.PDFObject, key: string): mupdf.PDFObject {
  return obj.isDictionary() ? obj.get(key) : obj;
}
