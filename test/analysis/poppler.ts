// Poppler's view of a PDF, for cross-checking the analysis where `pdfinfo` is installed.
import { spawnSync } from "node:child_process";

export const hasPoppler = !spawnSync("pdfinfo", ["-v"], { stdio: "ignore" }).error;
export const hasGhostscript = !spawnSync("gs", ["--version"], { stdio: "ignore" }).error;

export interface PopplerInfo {
  pages: number;
  creator: string | null;
  boxes: { mediaBox: number[]; trimBox: number[] }[];
}

export function pdfinfo(path: string): PopplerInfo {
  const base = spawnSync("pdfinfo", [path], { encoding: "utf8" }).stdout;
  const pages = Number(/^Pages:\s+(\d+)/m.exec(base)?.[1] ?? 0);
  const creator = /^Creator:\s+(.*)$/m.exec(base)?.[1]?.trim() ?? null;
  const box = spawnSync("pdfinfo", ["-box", "-f", "1", "-l", String(pages), path], {
    encoding: "utf8",
  }).stdout;
  const boxes: PopplerInfo["boxes"] = [];
  for (const m of box.matchAll(/^Page\s+(\d+)\s+(MediaBox|TrimBox):\s+([-\d.\s]+)$/gm)) {
    const i = Number(m[1]) - 1;
    boxes[i] ??= { mediaBox: [], trimBox: [] };
    const v = m[3].trim().split(/\s+/).map(Number);
    if (m[2] === "MediaBox") boxes[i].mediaBox = v;
    else boxes[i].trimBox = v;
  }
  return { pages, creator, boxes };
}

/** Ghostscript's bbox device: the painted area of page 1 in PDF points. */
export function gsBbox(path: string): number[] | null {
  const r = spawnSync(
    "gs",
    ["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=bbox", "-dFirstPage=1", "-dLastPage=1", path],
    {
      encoding: "utf8",
    },
  );
  const m = /%%HiResBoundingBox:\s+([-\d.\s]+)/.exec(r.stderr + r.stdout);
  return m ? m[1].trim().split(/\s+/).map(Number) : null;
}
