// MuPDF reports recoverable problems (repaired xref, missing objects, bad content) as log messages,
// not exceptions. One router collects them for whoever is reading a document at that moment; MuPDF.js
// is synchronous, so a capture cannot interleave with another.
import * as mupdf from "mupdf";

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

/** Runs `fn` and returns its value with the MuPDF warnings and errors it logged. */
export function captureMupdfLog<T>(fn: () => T): { value: T; log: string[] } {
  install();
  const outer = sink;
  const mine: string[] = [];
  sink = mine;
  try {
    return { value: fn(), log: mine };
  } finally {
    outer?.push(...mine);
    sink = outer;
  }
}
