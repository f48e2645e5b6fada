// Step `read-signa`: per page, the separations Signa listed and the text of each Signa mark.
import type * as mupdf from "mupdf";
import { type Note, note } from "../../../util/note.ts";
import { intersect, normalizeRect, type RectPt } from "../inspect/geometry.ts";
import { captureMupdfLog } from "../inspect/mupdf-log.ts";
import { noteReaderFault } from "../inspect/reader-fault.ts";
import type { RecursionGuard } from "../inspect/recursion.ts";
import { readColorants } from "./colorants.ts";
import { measureContentBox } from "./content-box.ts";
import { findMarks, type Mark, type MarkRef, MarkTextReader, toMark } from "./marks.ts";

const BATCH = 100;

export interface SignaPage {
  /** 1-based. */
  page: number;
  /** From `/HDAG_COLORANT`; null when the page has no Signa colorant list. */
  colorants: string[] | null;
  marks: Mark[];
  /** Painted area without the marks, PDF points page space; only for pages asked for in `contentBoxPages`. */
  contentBoxPt?: RectPt | null;
}

export interface ReadSignaResult {
  pages: SignaPage[];
  /** Any page carries Signa colorants or marks. */
  hasSignaData: boolean;
  warnings: Note[];
}

export interface ReadSignaOptions {
  /** 1-based pages whose content box to measure (it runs the whole page, so only when needed). */
  contentBoxPages?: number[] | "all";
  /** Marks and pages it finds unsafe for MuPDF (a cycle, deep nesting) are not run, with a warning. */
  guard?: RecursionGuard;
}

export function readSigna(doc: mupdf.PDFDocument, opts: ReadSignaOptions = {}): ReadSignaResult {
  const warnings: Note[] = [];
  const pages: SignaPage[] = [];
  const reader = new MarkTextReader(doc);
  const n = doc.countPages();
  const refs: MarkRef[][] = [];
  for (let i = 0; i < n; i++) {
    const pageObj = doc.findPage(i);
    let found: MarkRef[] = [];
    try {
      found = findMarks(pageObj);
      if (opts.guard) found = safeMarks(found, opts.guard, pageObj, i + 1, warnings);
    } catch (e) {
      noteReaderFault(e);
      warnings.push(
        note(
          "signa.marks-unread",
          `Page ${i + 1}: the Signa marks could not be read (${(e as Error).message}).`,
          {
            page: i + 1,
            detail: (e as Error).message,
          },
        ),
      );
    }
    refs.push(found);
    pages.push({ page: i + 1, colorants: readColorants(pageObj), marks: [] });
  }
  try {
    // All marks of the file in as few structured-text runs as possible (one per BATCH marks).
    const all = refs.flat();
    const texts: string[] = [];
    for (let k = 0; k < all.length; k += BATCH) {
      const chunk = all.slice(k, k + BATCH);
      const { value, log } = captureMupdfLog(() => {
        try {
          return reader.readAll(chunk);
        } catch (e) {
          return e as Error;
        }
      });
      if (value instanceof Error) {
        warnings.push(
          note(
            "signa.mark-texts-unread",
            `The text of some Signa marks could not be read (${value.message}).`,
            {
              detail: value.message,
            },
          ),
        );
        texts.push(...chunk.map(() => ""));
      } else {
        if (log.length)
          warnings.push(
            note(
              "signa.mark-problems",
              `Problems while reading the Signa marks: ${[...new Set(log)].slice(0, 3).join("; ")}.`,
              { detail: [...new Set(log)].slice(0, 3).join("; ") },
            ),
          );
        texts.push(...value);
      }
    }
    let at = 0;
    refs.forEach((pageRefs, i) => {
      pages[i].marks = pageRefs.map((m) => toMark(m, texts[at++] ?? ""));
    });
  } finally {
    reader.dispose();
  }
  const wanted = opts.contentBoxPages === "all" ? pages.map((p) => p.page) : (opts.contentBoxPages ?? []);
  for (const p of wanted) {
    const sp = pages[p - 1];
    if (sp) sp.contentBoxPt = contentBox(doc, sp, warnings, opts.guard);
  }
  const hasSignaData = pages.some((p) => p.colorants !== null || p.marks.length > 0);
  return { pages, hasSignaData, warnings };
}

/** Marks MuPDF may draw; the others are kept without text, with a warning naming them. */
function safeMarks(
  found: MarkRef[],
  guard: RecursionGuard,
  pageObj: mupdf.PDFObject,
  page: number,
  warnings: Note[],
): MarkRef[] {
  const res = pageObj.getInheritable("Resources");
  return found.filter((m) => {
    const h = guard.form(m.ref, m.resourceName, res.isDictionary() ? res : null);
    if (h)
      warnings.push(
        note(
          "signa.mark-unsafe",
          `Page ${page}: the text of the Signa mark ${m.creationName} was not read: ${h.what}.`,
          {
            page,
            mark: m.creationName,
            hazard: h.note,
          },
        ),
      );
    return !h;
  });
}

/** Measures one page's content box without its marks, clipped to the MediaBox. */
export function contentBox(
  doc: mupdf.PDFDocument,
  sp: SignaPage,
  warnings: Note[] = [],
  guard?: RecursionGuard,
): RectPt | null {
  const hazard = guard?.page(sp.page - 1);
  if (hazard) {
    warnings.push(
      note("content.unsafe", `Page ${sp.page}: the drawn area was not measured: ${hazard.what}.`, {
        page: sp.page,
        hazard: hazard.note,
      }),
    );
    return null;
  }
  const { value, log } = captureMupdfLog(() => {
    try {
      return measureContentBox(
        doc,
        sp.page - 1,
        sp.marks.map((m) => m.resourceName),
      );
    } catch (e) {
      return e as Error;
    }
  });
  if (value instanceof Error) {
    warnings.push(
      note("content.failed", `Page ${sp.page}: the drawn area could not be measured (${value.message}).`, {
        page: sp.page,
        detail: value.message,
      }),
    );
    return null;
  }
  if (log.length)
    warnings.push(
      note(
        "content.problems",
        `Page ${sp.page}: problems while measuring the drawn area: ${[...new Set(log)].slice(0, 3).join("; ")}.`,
        { page: sp.page, detail: [...new Set(log)].slice(0, 3).join("; ") },
      ),
    );
  if (!value) return null;
  const media = doc.findPage(sp.page - 1).getInheritable("MediaBox");
  if (!media.isArray()) return value;
  const mb = normalizeRect([0, 1, 2, 3].map((k) => media.get(k).asNumber()));
  return intersect(value, mb);
}
