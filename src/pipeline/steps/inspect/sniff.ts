// Cheap checks on the raw file before MuPDF sees it: size, PDF header, end-of-file marker.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

export interface Sniff {
  sizeBytes: number;
  /** `%PDF-` within the first 1024 bytes (where Acrobat accepts it). */
  hasPdfHeader: boolean;
  /** `%%EOF` within the last 1024 bytes; missing means the file was most likely cut short. */
  hasEof: boolean;
  /** The first bytes, printable, to tell the operator what the file looks like. */
  head: string;
}

export function sniffFile(path: string): Sniff {
  const fd = openSync(path, "r");
  try {
    const sizeBytes = fstatSync(fd).size;
    const headBuf = Buffer.alloc(Math.min(1024, sizeBytes));
    readSync(fd, headBuf, 0, headBuf.length, 0);
    const tailLen = Math.min(1024, sizeBytes);
    const tailBuf = Buffer.alloc(tailLen);
    readSync(fd, tailBuf, 0, tailLen, sizeBytes - tailLen);
    return {
      sizeBytes,
      hasPdfHeader: headBuf.includes("%PDF-"),
      hasEof: tailBuf.includes("%%EOF"),
      head: headBuf
        .subarray(0, 16)
        .toString("latin1")
        .replace(/[^\x20-\x7e]/g, "."),
    };
  } finally {
    closeSync(fd);
  }
}

export const hasPdfExtension = (fileName: string) => /\.pdf$/i.test(fileName);
