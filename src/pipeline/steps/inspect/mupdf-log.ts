// MuPDF reports recoverable problems (repaired xref, missing objects, bad content) as log messages,
// not exceptions. One router collects them for whoever is reading a document at that moment; MuPDF.js
// is synchronous, so a capture cannot interleave with another.
import * as mupdf from "mupdf";
import { noteReaderFault } from "./reader-fault.ts";

let sink: string[] | null = null;
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  mupdf.setLog({
    error: (m) => sink?.push(m),
    warning: (m) => sink?.push(m),
  });
}

/**
 * Runs `fn` and returns its value with the MuPDF warnings and errors it logged. An error `fn` returns
 * (the callers catch and return them) or throws is checked for a reader fault (reader-fault.ts).
 */
export function captureMupdfLog<T>(fn: () => T): { value: T; log: string[] } {
  install();
  const outer = sink;
  const mine: string[] = [];
  sink = mine;
  try {
    const value = fn();
    if (value instanceof Error) noteReaderFault(value);
    return { value, log: mine };
  } catch (e) {
    noteReaderFault(e);
    throw e;
  } finally {
    outer?.push(...mine);
    sink = outer;
  }
}
