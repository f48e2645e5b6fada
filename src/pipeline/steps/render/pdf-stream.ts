// Opens a PDF through a file-backed MuPDF Stream: a 1 GB sheet is read on demand, never copied whole
// into WASM memory.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import * as mupdf from "mupdf";

export interface OpenedPdf {
  doc: mupdf.PDFDocument;
  close(): void;
}

export function openPdfFile(path: string): OpenedPdf {
  const fd = openSync(path, "r");
  let open = true;
  const closeFd = () => {
    if (open) closeSync(fd);
    open = false;
  };
  try {
    const size = fstatSync(fd).size;
    const stream = new mupdf.Stream({
      fileSize: () => size,
      read: (memory, offset, length, position) =>
        readSync(fd, memory, offset, Math.min(length, Math.max(0, size - position)), position),
      close: closeFd,
    });
    let doc: mupdf.Document;
    try {
      doc = mupdf.Document.openDocument(stream, "application/pdf");
    } finally {
      stream.destroy(); // the document keeps its own reference
    }
    const pdf = doc.asPDF();
    if (!pdf) {
      doc.destroy();
      throw new Error("not a PDF");
    }
    let closed = false;
    return {
      doc: pdf,
      close() {
        if (closed) return;
        closed = true;
        pdf.destroy();
        closeFd();
      },
    };
  } catch (e) {
    closeFd();
    throw e;
  }
}
