// Opens a PDF through a file-backed MuPDF Stream, so a 1 GB sheet is read on demand instead of being
// copied whole into WASM memory.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import * as mupdf from "mupdf";

export interface OpenPdf {
  doc: mupdf.PDFDocument;
  /** Releases MuPDF memory and the file descriptor. Safe to call twice. */
  close(): void;
}

/** Counts what MuPDF actually read from the file (to check that big files are read on demand). */
export interface ReadStats {
  bytesRead: number;
}

export function openPdf(path: string, stats?: ReadStats): OpenPdf {
  const fd = openSync(path, "r");
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  let fdOpen = true;
  const stream = new mupdf.Stream({
    fileSize: () => size,
    read: (memory, offset, length, position) => {
      const n = readSync(fd, memory, offset, Math.min(length, Math.max(0, size - position)), position);
      if (stats) stats.bytesRead += n;
      return n;
    },
    close: () => {
      if (fdOpen) closeSync(fd);
      fdOpen = false;
    },
  });
  let doc: mupdf.Document;
  try {
    doc = mupdf.Document.openDocument(stream, "application/pdf");
  } catch (e) {
    stream.destroy();
    if (fdOpen) closeSync(fd);
    fdOpen = false;
    throw e;
  }
  // The document holds its own reference to the stream; the fd closes when the document is dropped.
  stream.destroy();
  const pdf = doc.asPDF();
  if (!pdf) {
    doc.destroy();
    throw new Error("MuPDF did not open the file as PDF");
  }
  let closed = false;
  return {
    doc: pdf,
    close() {
      if (closed) return;
      closed = true;
      pdf.destroy();
      if (fdOpen) closeSync(fd);
      fdOpen = false;
    },
  };
}
