// One file in, one Analysis out: inspect → read-signa → identify, all in process with MuPDF.js.
// Bad input never throws: it comes back as `error: { code, message }`.
import { basename } from "node:path";
import type { Settings } from "../config/settings-schema.ts";
import { fileNameFacts, type IdentifyPage, identify } from "../pipeline/steps/identify/index.ts";
import { analysisError, type InspectFacts, inspect } from "../pipeline/steps/inspect/index.ts";
import { checkPageSizes, checkStreams } from "../pipeline/steps/inspect/limits.ts";
import { faultText, noteReaderFault } from "../pipeline/steps/inspect/reader-fault.ts";
import { RecursionGuard } from "../pipeline/steps/inspect/recursion.ts";
import { contentBox, readSigna } from "../pipeline/steps/read-signa/index.ts";
import { note } from "../util/note.ts";
import type { Analysis, AnalysisError } from "./types.ts";

export interface AnalyzeOptions {
  settings: Settings;
  /** Display name (order, bureau token, `.pdf` check); defaults to the path's basename. */
  fileName?: string;
  /** The hot folder's bureau, used when neither marks nor file name name one. */
  defaultBureau?: string;
}

export async function analyzeFile(path: string, opts: AnalyzeOptions): Promise<Analysis> {
  const fileName = opts.fileName ?? basename(path);
  const { settings } = opts;
  const inspected = inspect({
    path,
    fileName,
    maxFileMb: settings.analysis.maxFileMb,
    maxPages: settings.analysis.maxPages,
  });
  if (!inspected.ok) return rejected(inspected.facts, inspected.error, opts);

  const { facts, pdf } = inspected;
  try {
    // Limits before any heavy reading: a sheet no press takes, a stream that would inflate to GBs.
    const limit =
      checkPageSizes(facts.boxes, settings.analysis.maxPageMm) ??
      (await checkStreams(pdf.doc, settings.analysis.maxStreamMb * 1024 * 1024));
    if (limit) return rejected(facts, limit, opts);
    // Recursion before MuPDF runs any content: a cycle is refused (it would corrupt the reader);
    // nesting too deep for MuPDF only keeps it from running that page (Ghostscript still renders it).
    const guard = guardOff() ? undefined : new RecursionGuard(pdf.doc);
    for (let i = 0; guard && i < facts.pages; i++) {
      const h = guard.page(i);
      if (h?.kind === "cycle")
        return rejected(
          facts,
          analysisError(
            "too-complex",
            note("reason.hazard-on-page", `On page ${i + 1}, ${h.what}.`, { page: i + 1, hazard: h.note }),
          ),
          opts,
        );
    }
    const signa = readSigna(pdf.doc, { guard });
    const pages: IdentifyPage[] = facts.boxes.map((b, i) => ({
      page: b.page,
      mediaBox: b.mediaBox,
      cropBox: b.cropBox,
      rotate: b.rotate,
      trimBox: b.trimBox,
      colorants: signa.pages[i]?.colorants ?? null,
      marks: signa.pages[i]?.marks ?? [],
    }));
    const input = {
      fileName,
      pages,
      presses: settings.presses,
      bureaus: settings.bureaus,
      marks: settings.analysis.marks,
      defaultBureau: opts.defaultBureau,
    };
    let id = identify(input);
    const warnings = [...facts.warnings, ...signa.warnings];
    if (id.needContentBox.length) {
      // Measuring runs the whole page, so only for pages that have neither a paper mark nor a TrimBox.
      for (const n of id.needContentBox) {
        const sp = signa.pages[n - 1];
        if (sp) pages[n - 1].contentBoxPt = contentBox(pdf.doc, sp, warnings, guard);
      }
      id = identify(input);
    }
    const isSigna = facts.creatorIsSigna || signa.hasSignaData;
    if (!facts.creatorIsSigna) {
      const who = facts.creator ? `"${facts.creator}"` : "not recorded";
      const creator = facts.creator ?? "";
      warnings.push(
        signa.hasSignaData
          ? note(
              "signa.resaved",
              `The creator is ${who}, not PrinectSignaStation, but the file carries Signa data: it was probably re-saved by another program.`,
              { creator },
            )
          : note(
              "signa.not-signa",
              `Not a Prinect Signa Station file (creator ${who}): no colorants or marks, so plates are counted from the separations that carry ink and press and paper come from the page geometry.`,
              { creator },
            ),
      );
    }
    warnings.push(...id.warnings);
    return {
      file: fileName,
      isPdf: true,
      creator: facts.creator,
      isSigna,
      pages: facts.pages,
      plates: id.plates,
      // Sheets without Signa's list are counted from their separations once rendered.
      platesBy: id.sheets.every((s) => s.colorants.length) ? "signa" : null,
      bureau: id.bureau,
      bureauBy: id.bureauBy,
      order: id.order,
      orderName: id.orderName,
      sheets: id.sheets,
      warnings,
      error: null,
    };
  } catch (e) {
    // A trap inside MuPDF is the reader's fault, whatever the file did to cause it.
    if (noteReaderFault(e))
      return rejected(
        facts,
        analysisError(
          "reader-crash",
          note("reason.reader-fault", `The PDF reader failed inside MuPDF (${faultText(e)}).`, {
            detail: faultText(e),
          }),
        ),
        opts,
      );
    // MuPDF failing half-way through a file that opened: the file, not the program, is at fault.
    const err = e instanceof Error ? e : new Error(String(e)); // MuPDF.js may throw a bare string
    const tooComplex = err instanceof RangeError || /memory|recursion|too deep|nesting/i.test(err.message);
    return rejected(
      facts,
      tooComplex
        ? analysisError(
            "too-complex",
            note("reason.too-complex", `The PDF is too complex to read (${err.message}).`, {
              detail: err.message,
            }),
          )
        : analysisError(
            "damaged",
            note("reason.cannot-read", `The PDF cannot be read (${err.message}).`, { detail: err.message }),
          ),
      opts,
    );
  } finally {
    pdf.close();
  }
}

/** Tests of the PDF pool switch the walk off (self-test children only) to let hostile files reach MuPDF. */
const guardOff = () =>
  process.env.PDFUPLOAD_ISOLATION_SELFTEST === "1" && process.env.PDFUPLOAD_RECURSION_GUARD === "off";

function rejected(facts: InspectFacts, error: AnalysisError, opts: AnalyzeOptions): Analysis {
  return {
    file: facts.file,
    isPdf: facts.isPdf,
    creator: facts.creator,
    isSigna: facts.creatorIsSigna,
    pages: facts.pages,
    plates: 0,
    platesBy: null,
    ...fileNameFacts(facts.file, opts.settings.bureaus, opts.defaultBureau),
    sheets: [],
    warnings: facts.warnings,
    error,
  };
}
