// Step `inspect`: is it a readable PDF, who made it, how many pages (complects), which boxes.
import { basename } from "node:path";
import type * as mupdf from "mupdf";
import type { AnalysisError } from "../../../analysis/types.ts";
import { type Note, note } from "../../../util/note.ts";
import { analysisError, LOST_WORDS } from "./errors.ts";
import { normalizeRect, type RectPt } from "./geometry.ts";
import { captureMupdfLog } from "./mupdf-log.ts";
import { type OpenPdf, openPdf } from "./open-pdf.ts";
import { noteReaderFault } from "./reader-fault.ts";
import { RecursionGuard } from "./recursion.ts";
import { hasPdfExtension, sniffFile } from "./sniff.ts";

export interface InspectInput {
  path: string;
  /** Name shown to the operator and checked for `.pdf`; defaults to the path's basename. */
  fileName?: string;
  maxFileMb: number;
  maxPages: number;
}

export interface PageBoxes {
  /** 1-based. */
  page: number;
  /** PDF points, page space, normalised (x0 < x1, y0 < y1). */
  mediaBox: RectPt;
  /** Only when the page has one of its own. */
  trimBox: RectPt | null;
  /** Own or inherited; null when absent (then it is the MediaBox). */
  cropBox: RectPt | null;
  rotate: number;
}

export interface InspectFacts {
  file: string;
  sizeBytes: number;
  isPdf: boolean;
  creator: string | null;
  /** Info /Creator names Prinect Signa Station. */
  creatorIsSigna: boolean;
  pages: number;
  boxes: PageBoxes[];
  /** MuPDF's description of the encryption (owner password only, since we could read it), else null. */
  encryption: string | null;
  /** MuPDF had to rebuild the cross-reference table. */
  repaired: boolean;
  warnings: Note[];
}

export type InspectResult =
  | { ok: true; facts: InspectFacts; pdf: OpenPdf }
  | { ok: false; facts: InspectFacts; error: AnalysisError };

const SIGNA_CREATOR = /prinect\s*signa\s*station/i;
// Messages MuPDF always logs while rebuilding an xref; anything else during a repair means lost data.
const REPAIR_NOISE = /cannot find startxref|repair(ing)? (broken xref|PDF document)|trying to repair/i;
// After a repair, what says an object was lost (a page, its content) rather than mended syntax.
const LOST =
  /page tree|non-page object|cannot (find|load|open)|out of range|no such object|object .*(not found|missing)|unknown object|missing object|cannot parse|stream (is )?(too short|truncated)|premature end|unexpected end|TRYLATER/i;

/** Inspects one file. On success the caller owns `pdf` and must close it. Never throws for bad input. */
export function inspect(input: InspectInput): InspectResult {
  const file = input.fileName ?? basename(input.path);
  const facts: InspectFacts = {
    file,
    sizeBytes: 0,
    isPdf: false,
    creator: null,
    creatorIsSigna: false,
    pages: 0,
    boxes: [],
    encryption: null,
    repaired: false,
    warnings: [],
  };
  const fail = (error: AnalysisError): InspectResult => ({ ok: false, facts, error });

  let sniff: ReturnType<typeof sniffFile>;
  try {
    sniff = sniffFile(input.path);
  } catch (e) {
    return fail(
      analysisError(
        "damaged",
        note("reason.unreadable-file", `The file could not be read (${(e as Error).message}).`, {
          detail: (e as Error).message,
        }),
      ),
    );
  }
  facts.sizeBytes = sniff.sizeBytes;
  if (sniff.sizeBytes === 0)
    return fail(analysisError("empty", note("reason.zero-bytes", "The file is empty (0 bytes).")));
  const mb = sniff.sizeBytes / 1024 / 1024;
  if (mb > input.maxFileMb) {
    return fail(
      analysisError(
        "too-large",
        note(
          "reason.file-over-limit",
          `The file is ${Math.ceil(mb)} MB, over the limit of ${input.maxFileMb} MB.`,
          {
            mb: Math.ceil(mb),
            limit: input.maxFileMb,
          },
        ),
      ),
    );
  }
  if (!sniff.hasPdfHeader) {
    return fail(
      analysisError(
        "not-pdf",
        note("reason.not-pdf-head", `The file is not a PDF (it starts with "${sniff.head}").`, {
          head: sniff.head,
        }),
      ),
    );
  }
  if (!hasPdfExtension(file)) {
    return fail(
      analysisError(
        "not-pdf",
        note("reason.no-pdf-extension", `The file is a PDF but its name "${file}" does not end in .pdf.`, {
          file,
        }),
      ),
    );
  }
  facts.isPdf = true;
  if (!sniff.hasEof) {
    return fail(
      analysisError("damaged", note("reason.cut-short", "The PDF is cut short (its end is missing).")),
    );
  }

  const opened = captureMupdfLog(() => {
    try {
      return openPdf(input.path);
    } catch (e) {
      return asError(e);
    }
  });
  if (opened.value instanceof Error) {
    return fail(
      analysisError(
        "damaged",
        note("reason.cannot-open", `The PDF cannot be opened (${opened.value.message}).`, {
          detail: opened.value.message,
        }),
      ),
    );
  }
  const pdf = opened.value;
  const { doc } = pdf;
  let handedOver = false;
  try {
    if (doc.needsPassword()) {
      return fail(
        analysisError(
          "encrypted",
          note("reason.open-password", "The PDF is protected with a password needed to open it."),
        ),
      );
    }
    const enc = doc.getMetaData("encryption");
    facts.encryption = enc && enc !== "None" ? enc : null;
    facts.repaired = doc.wasRepaired();
    const creator = doc.getMetaData("info:Creator")?.trim();
    facts.creator = creator ? creator : null;
    facts.creatorIsSigna = !!creator && SIGNA_CREATOR.test(creator);

    const read = captureMupdfLog(() => readPages(doc, facts.repaired));
    // What MuPDF logged before it decided to repair is about the broken xref itself, not about lost data.
    const lastRepair = opened.log.findLastIndex((m) => REPAIR_NOISE.test(m));
    if (read.value instanceof Error) {
      return fail(
        analysisError(
          "damaged",
          note("reason.pages-unreadable", `The PDF's pages cannot be read (${read.value.message}).`, {
            detail: read.value.message,
          }),
        ),
      );
    }
    const onPages = new Set(read.value.pageProblems.flat());
    const fileProblems = unique(
      [...opened.log.slice(lastRepair + 1), ...read.log.filter((m) => !onPages.has(m))].filter(
        (m) => !REPAIR_NOISE.test(m),
      ),
    );
    facts.boxes = read.value.boxes;
    facts.pages = read.value.boxes.length;
    if (facts.repaired) {
      // Lost objects refuse the file; syntax MuPDF mended (a trailer, a content stream) is a warning
      // naming the page, as long as every page still reads: a RIP prints such a file.
      const lost = [...fileProblems, ...read.value.pageProblems.flat()].filter((m) => LOST.test(m));
      if (facts.pages === 0 || lost.length > 0) {
        const detail = lost.length ? `; ${LOST_WORDS}: ${unique(lost).slice(0, 3).join("; ")}` : "";
        return fail(
          analysisError(
            "damaged",
            note(
              lost.length ? "reason.lost-objects" : "reason.not-repaired",
              `The PDF is damaged and could not be fully repaired${detail}.`,
              { detail: unique(lost).slice(0, 3).join("; ") },
            ),
          ),
        );
      }
    }
    if (facts.pages === 0)
      return fail(analysisError("empty", note("reason.no-pages", "The PDF has no pages.")));
    if (facts.pages > input.maxPages) {
      return fail(
        analysisError(
          "too-large",
          note(
            "reason.pages-over-limit",
            `The PDF has ${facts.pages} pages, over the limit of ${input.maxPages} pages.`,
            {
              pages: facts.pages,
              limit: input.maxPages,
            },
          ),
        ),
      );
    }
    if (facts.repaired) {
      facts.warnings.push(
        note(
          fileProblems.length ? "pdf.xref-rebuilt-repaired" : "pdf.xref-rebuilt",
          `The PDF's cross-reference table was broken and has been rebuilt; all pages were read${fileProblems.length ? ` (repaired: ${fileProblems.slice(0, 3).join("; ")})` : ""}.`,
          { detail: fileProblems.slice(0, 3).join("; ") },
        ),
      );
      read.value.pageProblems.forEach((p, i) => {
        if (p.length)
          facts.warnings.push(
            note("pdf.page-repaired", `Page ${i + 1} was repaired: ${unique(p).slice(0, 3).join("; ")}.`, {
              page: i + 1,
              detail: unique(p).slice(0, 3).join("; "),
            }),
          );
      });
    }
    handedOver = true;
    return { ok: true, facts, pdf };
  } catch (e) {
    noteReaderFault(e);
    return fail(
      analysisError(
        "damaged",
        note("reason.cannot-read", `The PDF cannot be read (${asError(e).message}).`, {
          detail: asError(e).message,
        }),
      ),
    );
  } finally {
    if (!handedOver) pdf.close();
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function rectOf(obj: mupdf.PDFObject): RectPt | null {
  if (!obj.isArray() || obj.length !== 4) return null;
  const v = [0, 1, 2, 3].map((i) => obj.get(i).asNumber());
  if (v.some((n) => !Number.isFinite(n))) return null;
  const r = normalizeRect(v);
  return r[2] - r[0] > 0 && r[3] - r[1] > 0 ? r : null;
}

/**
 * Boxes of every page. After a repair, each page is also interpreted once (into a display list) so that
 * objects lost to the damage show up in its log instead of as silently blank areas; a page whose
 * drawing reaches itself (recursion.ts) is not run, the analysis refuses it later.
 */
function readPages(
  doc: mupdf.PDFDocument,
  repaired: boolean,
): { boxes: PageBoxes[]; pageProblems: string[][] } | Error {
  try {
    const n = doc.countPages();
    const boxes: PageBoxes[] = [];
    const pageProblems: string[][] = [];
    const guard = repaired ? new RecursionGuard(doc) : null;
    for (let i = 0; i < n; i++) {
      const { value, log } = captureMupdfLog((): PageBoxes => {
        const po = doc.findPage(i);
        const mediaBox = rectOf(po.getInheritable("MediaBox")) ?? [0, 0, 612, 792];
        const trimBox = rectOf(po.get("TrimBox"));
        const rot = po.getInheritable("Rotate");
        const cropBox = rectOf(po.getInheritable("CropBox"));
        if (guard && !guard.page(i)) {
          const page = doc.loadPage(i);
          page.toDisplayList(false).destroy();
          page.destroy();
        }
        return { page: i + 1, mediaBox, trimBox, cropBox, rotate: rot.isNumber() ? rot.asNumber() : 0 };
      });
      boxes.push(value);
      pageProblems.push(log.filter((m) => !REPAIR_NOISE.test(m)));
    }
    return { boxes, pageProblems };
  } catch (e) {
    return asError(e);
  }
}

/** MuPDF.js sometimes throws a bare string (e.g. "TRYLATER" on a stream that ends early). */
function asError(e: unknown): Error {
  noteReaderFault(e);
  return e instanceof Error ? e : new Error(String(e));
}
