// The analysis contract: what `pdfupload analyze --json` prints, what the journal
// stores and what `/api/jobs/:id` returns as `analysis`. Field names are public API.
import type { Note } from "../util/note.ts";

export type AnalysisErrorCode =
  | "empty"
  | "not-pdf"
  | "damaged"
  | "encrypted"
  | "too-large"
  | "too-complex"
  /** MuPDF itself failed (a WASM trap) on a file no repair made readable: the reader's fault. */
  | "reader-crash";

export interface AnalysisError {
  code: AnalysisErrorCode;
  /** What went wrong and what a prepress operator can do about it, in plain English words. */
  message: string;
  /** What went wrong as a code and values the UI words (the advice comes from `code`); absent in old rows. */
  reason?: Note;
}

export type PressBy = "mark" | "plate-size" | null;
export type PaperBy = "mark" | "trim-box" | "content" | null;
export type BureauBy = "mark" | "file-name" | "hot-folder" | "operator" | null;
/** Where the plate count comes from: Signa's colorant lists, or the separations that carry ink. */
export type PlatesBy = "signa" | "separations" | null;

/** Ink coverage per press ink zone (presses with ink zones on, after render or with --inks). */
export interface InkZones {
  count: number;
  widthMm: number;
  /** Zone 1's edge, seen with the gripper edge at the bottom. */
  startEdge: "left" | "right";
  /** The side the CIP3 PPF file describes. */
  side: "front" | "back";
  /** Percent per zone, zone 1 first, over the part of each zone the paper covers; null: off the paper. */
  separations: Record<string, (number | null)[]>;
}

export interface Sheet {
  /** 1-based page number; one page = one complect (plate set). */
  page: number;
  press: string | null;
  pressBy: PressBy;
  /** The plate (the MediaBox as the CropBox shows it) in mm, rounded, long side first. */
  plateMm: [number, number];
  /**
   * Paper width × height in mm in the plate's frame: the plate as the press sees it, long side across,
   * gripper edge at the bottom, whatever the page's /Rotate or box origins (see inspect/sheet-frame.ts).
   */
  paperMm: [number, number] | null;
  paperBy: PaperBy;
  /**
   * Paper rectangle in PDF points, page space [x0, y0, x1, y1], when known.
   * Trim box or content box give it directly; a paper mark gives it through the press geometry.
   */
  paperRectPt?: [number, number, number, number] | null;
  /** The paper in the plate's frame, mm [x0, y0, x1, y1] from the plate's lower-left corner (gripper edge y = 0). */
  paperRectMm?: [number, number, number, number] | null;
  /** Separations Signa listed for this page, `#20` decoded. */
  colorants: string[];
  /** Mark text keyed by the mark's CreationName. */
  marks: Record<string, string>;
  /** Ink coverage per separation, percent of `inkAreaPt` (only with --inks / after render). */
  inks?: Record<string, number>;
  /** Sum of all separations, percent (can exceed 100). */
  inkTotal?: number;
  inkAreaPt?: [number, number, number, number];
  /** Set when inks or proofs were made without overprint simulation (no Ghostscript). */
  inksApproximate?: boolean;
  /** Separations that carry ink on the paper area (after render; absent when the page was not rendered). */
  separations?: string[];
  /** Listed colorants whose separation is empty: plates paid for nothing (only where measured per separation). */
  blankPlates?: string[];
  /** Separations that carry ink but are not listed: Signa makes no plate for them. */
  missingPlates?: string[];
  /** Ink-key presets: coverage per ink zone and separation (the press has ink zones on). */
  inkZones?: InkZones;
}

export interface Analysis {
  file: string;
  isPdf: boolean;
  creator: string | null;
  isSigna: boolean;
  pages: number;
  plates: number;
  /**
   * `signa`: every sheet's colorant list; `separations`: counted from the inked separations of
   * sheets without one (after render); null: not counted yet (a non-Signa file before render).
   */
  platesBy: PlatesBy;
  /** The separations were measured with the MuPDF fallback (spots folded into CMYK). */
  platesApproximate?: boolean;
  bureau: string | null;
  bureauBy: BureauBy;
  order: string | null;
  orderName: string | null;
  sheets: Sheet[];
  warnings: Note[];
  error: AnalysisError | null;
  /**
   * Set only when MuPDF could not read the file itself and read a copy that qpdf or Ghostscript
   * rewrote (src/isolation/repair-copy.ts), kept in the job's work folder. The original is still what
   * is delivered; proofs, thumbnails, inks and the crop should be made from `path`.
   */
  repairedCopy?: { path: string; by: "qpdf" | "ghostscript" };
}
