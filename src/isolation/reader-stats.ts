// Counts of the PDF pool's protective re-reads in this process, for /metrics (src/metrics/).
export const readerStats = {
  /** Files read a second time in a fresh child before being refused or trusted. */
  rereads: 0,
  /** Children ended because a task met a reader fault in them. */
  poisonedChildren: 0,
  /** Files MuPDF could not read that were rewritten by qpdf or Ghostscript for a second opinion. */
  repairs: 0,
  /** Of those, files whose rewritten copy MuPDF then read. */
  repairedReads: 0,
};
