// Clients never see where the server keeps its files: an absolute local path in a message is cut
// to its last component (URLs such as ftp://host/in/x are left as they are).
const ABSOLUTE = /(^|[\s'"(=,:])\/(?:[^\s'"/]+\/)+([^\s'"/]*)/g;

export const hidePaths = (text: string) => text.replace(ABSOLUTE, "$1…/$2");

/** Our data folder as the root: `…/work/12/x.pdf` becomes `work/12/x.pdf`. */
export function hideDataRoot(text: string, root: string): string {
  const prefix = root.endsWith("/") ? root : `${root}/`;
  return text.split(prefix).join("");
}

/**
 * A job's warnings as a client reads them: `reason` is the engine's own message (Ghostscript,
 * MuPDF), which may name a scratch folder or a font file anywhere on the server.
 */
export function hideWarningPaths<T extends { reason?: string }>(warnings: T[]): T[] {
  return warnings.map((w) => (w.reason ? { ...w, reason: hidePaths(w.reason) } : w));
}
