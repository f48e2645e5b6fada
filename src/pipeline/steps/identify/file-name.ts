// Facts the operator encodes in the file name: `0537_Technoyug_Flier_Leonov.pdf` is order 0537,
// job "Technoyug_Flier", bureau Leonov. File names are data: any Unicode, spaces, quotes, `$()`.
import { sameName } from "./patterns.ts";

export const stripExtension = (fileName: string) => fileName.replace(/\.[^./\\]*$/, "");

/** The `_`-separated token of the name that equals a configured bureau (case-insensitive). */
export function bureauFromFileName(fileName: string, bureaus: string[]): string | null {
  for (const token of stripExtension(fileName).split("_")) {
    const hit = bureaus.find((b) => sameName(b, token));
    if (hit) return hit;
  }
  return null;
}

export function orderFromFileName(
  fileName: string,
  bureaus: string[],
): { order: string | null; orderName: string | null } {
  const base = stripExtension(fileName).trim();
  const order = /^\d+/.exec(base)?.[0] ?? null;
  const rest = order ? base.slice(order.length).replace(/^[\s_.-]+/, "") : base;
  const name = rest
    .split("_")
    .filter((t) => !bureaus.some((b) => sameName(b, t)))
    .join("_")
    .trim();
  return { order, orderName: name || null };
}
