// What a page holds, read from its resources (forms, images, shadings, patterns, annotations'
// appearances) without drawing it: the spot colours it can paint (pages without spots can be rasterised
// on a plain CMYK device, which Ghostscript does about three times faster) and how many image pixels
// it draws (what every pass over the page must decode: the render scheduler's main cost figure).
import type * as mupdf from "mupdf";

const NOT_SPOTS = new Set(["Cyan", "Magenta", "Yellow", "Black", "All", "None"]);
const MAX_OBJECTS = 20_000; // a pathological page stops the walk; the caller then assumes spots

export interface PageScan {
  /** Spot colour names of every Separation / DeviceN colour space reachable from the page. */
  names: string[];
  /** True when the walk gave up: treat the page as if it had spots. */
  incomplete: boolean;
  /** Pixels of the image XObjects the page can draw (each image counted once). */
  imagePx: number;
}

/** `o` resolved; a missing key stays null (MuPDF.js's shared null object has no document to resolve in). */
const resolved = (o: mupdf.PDFObject): mupdf.PDFObject => (o.isNull() ? o : o.resolve());
/** `o[key]`, null when `o` is (the shared null object cannot be asked either). */
const at = (o: mupdf.PDFObject, key: string): mupdf.PDFObject => (o.isNull() ? o : o.get(key));

export function scanPage(page: mupdf.PDFObject): PageScan {
  const names = new Set<string>();
  let imagePx = 0;
  const seen = new Set<number>();
  let budget = MAX_OBJECTS;
  let incomplete = false;

  const colorSpace = (cs: mupdf.PDFObject, depth: number): void => {
    if (depth > 8 || !cs || cs.isNull()) return;
    if (!cs.isArray() || cs.length === 0) return;
    const family = cs.get(0).isName() ? cs.get(0).asName() : "";
    if (family === "Separation") {
      const n = cs.get(1);
      if (n.isName() && !NOT_SPOTS.has(n.asName())) names.add(n.asName());
    } else if (family === "DeviceN") {
      cs.get(1).forEach((n) => {
        if (n.isName() && !NOT_SPOTS.has(n.asName())) names.add(n.asName());
      });
    } else if (family === "Indexed" || family === "Pattern") {
      colorSpace(resolved(cs.get(1)), depth + 1);
    }
  };

  const visit = (obj: mupdf.PDFObject, depth: number): boolean => {
    if (!obj || obj.isNull()) return false;
    if (obj.isIndirect()) {
      const num = obj.asIndirect();
      if (seen.has(num)) return false;
      seen.add(num);
    }
    if (--budget < 0) {
      incomplete = true;
      return false;
    }
    return depth <= 32;
  };

  const resources = (res: mupdf.PDFObject, depth: number): void => {
    if (!visit(res, depth)) return;
    const r = resolved(res);
    if (!r.isDictionary()) return;
    r.get("ColorSpace").forEach((cs) => {
      colorSpace(resolved(cs), 0);
    });
    r.get("XObject").forEach((xo) => {
      if (!visit(xo, depth)) return;
      const x = resolved(xo);
      const sub = x.get("Subtype").isName() ? x.get("Subtype").asName() : "";
      if (sub === "Image") {
        colorSpace(resolved(x.get("ColorSpace")), 0);
        const [w, h] = [x.get("Width"), x.get("Height")];
        if (w.isNumber() && h.isNumber()) imagePx += Math.max(0, w.asNumber()) * Math.max(0, h.asNumber());
      } else if (sub === "Form") resources(x.get("Resources"), depth + 1);
    });
    r.get("Shading").forEach((sh) => {
      colorSpace(resolved(at(resolved(sh), "ColorSpace")), 0);
    });
    r.get("Pattern").forEach((pat) => {
      if (!visit(pat, depth)) return;
      const p = resolved(pat);
      colorSpace(resolved(at(resolved(p.get("Shading")), "ColorSpace")), 0);
      resources(p.get("Resources"), depth + 1);
    });
  };

  resources(page.getInheritable("Resources"), 0);
  page.get("Annots").forEach((a) => {
    const ap = at(at(resolved(a), "AP"), "N");
    if (ap.isStream()) resources(ap.get("Resources"), 1);
    else if (ap.isDictionary())
      ap.forEach((state) => {
        resources(at(resolved(state), "Resources"), 1);
      });
  });
  return { names: [...names], incomplete, imagePx };
}
