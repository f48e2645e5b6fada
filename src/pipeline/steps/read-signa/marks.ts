// Signa marks: form XObjects in the page resources whose `/PieceInfo /HDAG_SignaMarkInfo /Private`
// has a `/CreationName`. Resource names (`pssMO<n>_<m>`) are generic, so only the PieceInfo counts.
import type * as mupdf from "mupdf";
import { dictAt, textValue } from "./pdf-values.ts";

export interface MarkRef {
  /** Name in the page's `/Resources /XObject`. */
  resourceName: string;
  creationName: string;
  subType: string | null;
  creationType: string | null;
  ref: mupdf.PDFObject;
}

export interface Mark {
  resourceName: string;
  creationName: string;
  subType: string | null;
  creationType: string | null;
  /** Text drawn inside the mark (nested XObjects included), whitespace collapsed; "" for graphic marks. */
  text: string;
}

export function findMarks(pageObj: mupdf.PDFObject): MarkRef[] {
  const xobjects = dictAt(pageObj.getInheritable("Resources"), "XObject");
  if (!xobjects.isDictionary()) return [];
  const out: MarkRef[] = [];
  xobjects.forEach((ref, key) => {
    if (!ref.isDictionary()) return;
    if (ref.get("Subtype").isName() && ref.get("Subtype").asName() !== "Form") return;
    const info = ref.get("PieceInfo", "HDAG_SignaMarkInfo", "Private");
    if (!info.isDictionary()) return;
    const creationName = textValue(info.get("CreationName"))?.trim();
    if (!creationName) return;
    out.push({
      resourceName: String(key),
      creationName,
      subType: textValue(info.get("SubType")),
      creationType: textValue(info.get("CreationType")),
      ref,
    });
  });
  return out;
}

/** True when the XObject or anything it nests has fonts: only those can hold mark text. */
function hasFonts(xobj: mupdf.PDFObject, depth = 0, seen = new Set<number>()): boolean {
  if (depth > 16) return false;
  if (xobj.isIndirect()) {
    const n = xobj.asIndirect();
    if (seen.has(n)) return false;
    seen.add(n);
  }
  const fonts = xobj.get("Resources", "Font");
  if (fonts.isDictionary()) {
    // PDFObject.length counts array items only; a dictionary has to be walked.
    let any = false;
    fonts.forEach(() => {
      any = true;
    });
    if (any) return true;
  }
  const inner = xobj.get("Resources", "XObject");
  if (!inner.isDictionary()) return false;
  let found = false;
  inner.forEach((child) => {
    if (!found && child.isDictionary() && child.get("Subtype").isName() && child.get("Subtype").asName() === "Form") {
      found = hasFonts(child, depth + 1, seen);
    }
  });
  return found;
}

/** Collapses the structured text into one line: marks are read by patterns, not by layout. */
export function normalizeMarkText(s: string): string {
  return s.normalize("NFC").replace(/\s+/g, " ").trim();
}

/**
 * Reads the text of single mark XObjects through MuPDF's structured text: each mark is drawn alone
 * (`/X Do`) on a scratch page appended to the document, so nested XObjects, TJ arrays, glyph-by-glyph
 * placement, rotation inside the mark and ToUnicode maps are all handled by MuPDF's own text extraction.
 * The scratch page is removed again by `dispose()`; the document is never saved.
 */
export class MarkTextReader {
  private scratchIndex = -1;
  private xobjects: mupdf.PDFObject | null = null;

  constructor(private readonly doc: mupdf.PDFDocument) {}

  read(mark: MarkRef): string {
    if (!hasFonts(mark.ref)) return "";
    if (this.scratchIndex < 0) this.createScratch();
    this.xobjects?.put("X", mark.ref);
    const page = this.doc.loadPage(this.scratchIndex);
    try {
      const st = page.toStructuredText("");
      try {
        return normalizeMarkText(st.asText());
      } finally {
        st.destroy();
      }
    } finally {
      page.destroy();
    }
  }

  private createScratch(): void {
    const doc = this.doc;
    const resources = doc.newDictionary();
    const xobjects = doc.newDictionary();
    resources.put("XObject", xobjects);
    // A huge page: mark forms keep their own coordinates and must not be clipped away.
    const pageObj = doc.addPage([-100000, -100000, 100000, 100000], 0, resources, "/X Do");
    doc.insertPage(-1, pageObj);
    this.scratchIndex = doc.countPages() - 1;
    // Edit the dictionary as the page holds it (addPage may have copied ours).
    this.xobjects = doc.findPage(this.scratchIndex).get("Resources", "XObject");
  }

  dispose(): void {
    if (this.scratchIndex >= 0) this.doc.deletePage(this.scratchIndex);
    this.scratchIndex = -1;
    this.xobjects = null;
  }
}

/** Reads every mark of one page. */
export function readMarks(reader: MarkTextReader, refs: MarkRef[]): Mark[] {
  return refs.map((m) => ({
    resourceName: m.resourceName,
    creationName: m.creationName,
    subType: m.subType,
    creationType: m.creationType,
    text: reader.read(m),
  }));
}

/** Mark text keyed by CreationName, as the contract wants; a repeated name with other text gets `#2`, `#3`… */
export function marksRecord(marks: Pick<Mark, "creationName" | "text">[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of marks) {
    if (!m.text) continue;
    let key = m.creationName;
    for (let n = 2; key in out && out[key] !== m.text; n++) key = `${m.creationName}#${n}`;
    out[key] = m.text;
  }
  return out;
}

