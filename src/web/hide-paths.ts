// Clients never see where the server keeps its files: an absolute local path in a message is cut
// to its last component (URLs such as ftp://host/in/x are left as they are).
const ABSOLUTE = /(^|[\s'"(=,:])\/(?:[^\s'"/]+\/)+([^\s'"/]*)/g;

export const hidePaths = (text: string) => text.replace(ABSOLUTE, "$1…/$2");

/** Our data folder as the root: `…/work/12/x.pdf` becomes `work/12/x.pdf`. */
export function hideDataRoot(text: string, root: string): string {
  const prefix = root.endsWith("/") ? root : `${root}/`;
  return text.split(prefix).join("");
}
