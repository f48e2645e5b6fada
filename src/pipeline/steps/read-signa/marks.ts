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
    if (
      !found &&
      child.isDictionary() &&
      child.get("Subtype").isName() &&
      child.get("Subtype").asName() === "Form"
    ) {
      found = hasFonts(child, depth + 1, seen);
    }
  });
  return found;
}

/** Collapses the structured text into one line: marks are read by patterns, not by layout. */
export function normalizeMarkText(s: string): string {
  return s.normalize("NFC").replace(/\s+/g, " ").trim();
}

/** Grid cell size on the scratch page; a mark (bounded by its BBox) must fit in half of it. */
const CELL = 20000;
const COLUMNS = 10;

/** A form's extent in its parent's space: BBox through Matrix; null when unusable. */
function formExtent(xobj: mupdf.PDFObject): [number, number, number, number] | null {
  const bbox = xobj.get("BBox");
  if (!bbox.isArray() || bbox.length !== 4) return null;
  const b = [0, 1, 2, 3].map((i) => bbox.get(i).asNumber());
  const mo = xobj.get("Matrix");
  const m =
    mo.isArray() && mo.length === 6
      ? [0, 1, 2, 3, 4, 5].map((i) => mo.get(i).asNumber())
      : [1, 0, 0, 1, 0, 0];
  const pts = [
    [b[0], b[1]],
    [b[2], b[1]],
    [b[0], b[3]],
    [b[2], b[3]],
  ].map(([x, y]) => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]]);
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const r: [number, number, number, number] = [
    Math.min(...xs),
    Math.min(...ys),
    Math.max(...xs),
    Math.max(...ys),
  ];
  if (!r.every(Number.isFinite) || r[2] - r[0] > CELL / 2 || r[3] - r[1] > CELL / 2) return null;
  return r;
}

/**
 * Reads the text of mark XObjects through MuPDF's structured text, so nested XObjects, TJ arrays,
 * glyph-by-glyph placement, rotation inside the mark and ToUnicode maps are all handled by MuPDF's own
 * text extraction. The marks of one page are drawn (`/Xn Do`) on one scratch page appended to the
 * document, each alone in its own cell of a coarse grid, and every text line is assigned to the mark
 * whose cell it lies in. The scratch page is removed again by `dispose()`; the document is never saved.
 */
export class MarkTextReader {
  private scratchIndex = -1;

  constructor(private readonly doc: mupdf.PDFDocument) {}

  /** The text of each mark, in the order given ("" for graphic marks). */
  readAll(marks: MarkRef[]): string[] {
    const out = marks.map(() => "");
    const placed: { index: number; ref: mupdf.PDFObject; extent: [number, number, number, number] }[] = [];
    marks.forEach((m, index) => {
      if (!hasFonts(m.ref)) return;
      const extent = formExtent(m.ref);
      if (extent) placed.push({ index, ref: m.ref, extent });
      else out[index] = this.readAlone(m.ref); // odd BBox: give it the whole scratch page
    });
    if (!placed.length) return out;
    const rows = Math.ceil(placed.length / COLUMNS);
    const height = rows * CELL;
    const xobjects = this.doc.newDictionary();
    let content = "";
    placed.forEach((p, k) => {
      const [col, row] = [k % COLUMNS, Math.floor(k / COLUMNS)];
      xobjects.put(`X${k}`, p.ref);
      const dx = col * CELL + CELL / 4 - p.extent[0];
      const dy = row * CELL + CELL / 4 - p.extent[1];
      content += `q 1 0 0 1 ${dx} ${dy} cm /X${k} Do Q\n`;
    });
    const lines: string[][] = placed.map(() => []);
    this.withScratch([0, 0, COLUMNS * CELL, height], xobjects, content, (st) => {
      let cell = -1;
      let line = "";
      st.walk({
        beginLine: (bbox) => {
          // Structured text is y-down from the page top; the grid is y-up from the bottom.
          const cx = (bbox[0] + bbox[2]) / 2;
          const cy = height - (bbox[1] + bbox[3]) / 2;
          cell = Math.floor(cy / CELL) * COLUMNS + Math.floor(cx / CELL);
          line = "";
        },
        onChar: (c) => {
          line += c;
        },
        endLine: () => {
          if (cell >= 0 && cell < placed.length) lines[cell].push(line);
        },
      });
    });
    placed.forEach((p, k) => {
      out[p.index] = normalizeMarkText(lines[k].join(" "));
    });
    return out;
  }

  /** One mark alone at its own coordinates on a huge scratch page. */
  private readAlone(ref: mupdf.PDFObject): string {
    const xobjects = this.doc.newDictionary();
    xobjects.put("X", ref);
    let text = "";
    this.withScratch([-100000, -100000, 100000, 100000], xobjects, "/X Do", (st) => {
      text = normalizeMarkText(st.asText());
    });
    return text;
  }

  private withScratch(
    mediaBox: mupdf.Rect,
    xobjects: mupdf.PDFObject,
    content: string,
    use: (st: mupdf.StructuredText) => void,
  ): void {
    const doc = this.doc;
    if (this.scratchIndex < 0) {
      const pageObj = doc.addPage(mediaBox, 0, doc.newDictionary(), content);
      doc.insertPage(-1, pageObj);
      this.scratchIndex = doc.countPages() - 1;
    }
    const pageObj = doc.findPage(this.scratchIndex);
    const resources = doc.newDictionary();
    resources.put("XObject", xobjects);
    pageObj.put("Resources", resources);
    pageObj.put("MediaBox", mediaBox);
    pageObj.get("Contents").writeStream(content);
    const page = doc.loadPage(this.scratchIndex);
    try {
      const st = page.toStructuredText("");
      try {
        use(st);
      } finally {
        st.destroy();
      }
    } finally {
      page.destroy();
    }
  }

  dispose(): void {
    if (this.scratchIndex >= 0) this.doc.deletePage(this.scratchIndex);
    this.scratchIndex = -1;
  }
}

export function toMark(m: MarkRef, text: string): Mark {
  return {
    resourceName: m.resourceName,
    creationName: m.creationName,
    subType: m.subType,
    creationType: m.creationType,
    text,
  };
}

/** Reads every mark of one page. */
export function readMarks(reader: MarkTextReader, refs: MarkRef[]): Mark[] {
  const texts = reader.readAll(refs);
  return refs.map((m, i) => toMark(m, texts[i]));
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
