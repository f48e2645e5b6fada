// "Is this file finished?" beyond size and mtime: a PDF that is still being written has no
// end-of-file marker yet. Anything that does not start like a PDF is clearly not one and is
// taken as is (the analysis refuses it with a reason).
import fsp from "node:fs/promises";

const TAIL = 2048;

export async function looksComplete(file: string): Promise<boolean> {
  const fh = await fsp.open(file, "r");
  try {
    const { size } = await fh.stat();
    if (size === 0) return false;
    const head = Buffer.alloc(Math.min(1024, size));
    await fh.read(head, 0, head.length, 0);
    if (!head.includes("%PDF-")) return true;
    const tail = Buffer.alloc(Math.min(TAIL, size));
    await fh.read(tail, 0, tail.length, size - tail.length);
    return tail.includes("%%EOF");
  } finally {
    await fh.close();
  }
}
