// Bounding box of what a page paints, leaving out the Signa marks: the paper size of last resort, and
// the preview crop when nothing better is known.
import * as mupdf from "mupdf";
import { intersect, normalizeRect, type RectPt } from "../inspect/geometry.ts";
import { dictAt } from "./pdf-values.ts";

type Box = RectPt | null;

function union(a: Box, b: Box): Box {
  if (!a) return b;
  if (!b) return a;
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

function finite(r: mupdf.Rect): Box {
  if (!r.every(Number.isFinite) || r[0] >= r[2] || r[1] >= r[3]) return null;
  if (Math.abs(r[0]) > 1e7 || Math.abs(r[1]) > 1e7 || Math.abs(r[2]) > 1e7 || Math.abs(r[3]) > 1e7)
    return null;
  return [r[0], r[1], r[2], r[3]];
}

/** Paint that leaves no ink: white in additive spaces, zero tint in subtractive ones. */
function noInk(cs: mupdf.ColorSpace, color: number[]): boolean {
  if (cs.isSubtractive()) return color.every((c) => c <= 0.001);
  if (cs.isGray() || cs.isRGB()) return color.every((c) => c >= 0.999);
  return false;
}

/** A MuPDF device that unions the area of everything painted, clipped by the clip stack. */
class BoundsCollector {
  box: Box = null;
  private clips: Box[] = [];
  /** > 0 while MuPDF runs mask or tile contents, which are not painted where they are drawn. */
  private hidden = 0;

  private clip(): Box | undefined {
    return this.clips.length ? this.clips[this.clips.length - 1] : undefined;
  }

  private paint(r: Box): void {
    if (this.hidden > 0 || !r) return;
    const c = this.clip();
    if (c === null) return; // clipped to nothing
    this.box = union(this.box, c ? intersect(r, c) : r);
  }

  private pushClip(r: Box): void {
    const c = this.clip();
    this.clips.push(c === undefined ? r : c && r ? intersect(c, r) : null);
  }

  device(): mupdf.Device {
    const imageRect = (ctm: mupdf.Matrix) => finite(mupdf.Rect.transform([0, 0, 1, 1], ctm));
    return new mupdf.Device({
      fillPath: (path, _eo, ctm, cs, color) => {
        if (!noInk(cs, color)) this.paint(finite(path.getBounds(null as never, ctm)));
        path.destroy();
        cs.destroy();
      },
      strokePath: (path, stroke, ctm, cs, color) => {
        if (!noInk(cs, color)) this.paint(finite(path.getBounds(stroke, ctm)));
        path.destroy();
        stroke.destroy();
        cs.destroy();
      },
      fillText: (text, ctm, cs, color) => {
        if (!noInk(cs, color)) this.paint(finite(text.getBounds(null as never, ctm)));
        text.destroy();
        cs.destroy();
      },
      strokeText: (text, stroke, ctm, cs, color) => {
        if (!noInk(cs, color)) this.paint(finite(text.getBounds(stroke, ctm)));
        text.destroy();
        stroke.destroy();
        cs.destroy();
      },
      fillShade: (shade, ctm) => {
        const b = finite(mupdf.Rect.transform(shade.getBounds(), ctm));
        // An unbounded shading (sh operator) paints the whole clip.
        this.paint(b ?? this.clip() ?? null);
        shade.destroy();
      },
      fillImage: (image, ctm) => {
        this.paint(imageRect(ctm));
        image.destroy();
      },
      fillImageMask: (image, ctm, cs, color) => {
        if (!noInk(cs, color)) this.paint(imageRect(ctm));
        image.destroy();
        cs.destroy();
      },
      clipPath: (path, _eo, ctm) => {
        this.pushClip(finite(path.getBounds(null as never, ctm)));
        path.destroy();
      },
      clipStrokePath: (path, stroke, ctm) => {
        this.pushClip(finite(path.getBounds(stroke, ctm)));
        path.destroy();
        stroke.destroy();
      },
      clipText: (text, ctm) => {
        this.pushClip(finite(text.getBounds(null as never, ctm)));
        text.destroy();
      },
      clipStrokeText: (text, stroke, ctm) => {
        this.pushClip(finite(text.getBounds(stroke, ctm)));
        text.destroy();
        stroke.destroy();
      },
      clipImageMask: (image, ctm) => {
        this.pushClip(imageRect(ctm));
        image.destroy();
      },
      ignoreText: (text) => text.destroy(),
      popClip: () => {
        this.clips.pop();
      },
      beginMask: (area, _lum, cs) => {
        cs.destroy();
        this.hidden++;
        this.pendingMask.push(finite(area));
      },
      endMask: () => {
        this.hidden--;
        // The masked content that follows is clipped to the mask's area until its popClip.
        this.pushClip(this.pendingMask.pop() ?? null);
      },
      beginTile: (area) => {
        this.paint(finite(area));
        this.hidden++;
        return 0;
      },
      endTile: () => {
        this.hidden--;
      },
      beginGroup: (_area, cs) => cs?.destroy(),
    });
  }

  private pendingMask: Box[] = [];
}

/** Content bounding box of page `index` (0-based), in PDF points page space, marks left out. */
export function measureContentBox(doc: mupdf.PDFDocument, index: number, markResourceNames: string[]): Box {
  const pageObj = doc.findPage(index);
  const xobjects = dictAt(pageObj.getInheritable("Resources"), "XObject");
  const saved = new Map<string, mupdf.PDFObject>();
  // Swap the marks for an empty form while the page runs, then put them back (the document is not saved).
  if (xobjects.isDictionary() && markResourceNames.length) {
    const empty = doc.addStream("", { Type: "XObject", Subtype: "Form", BBox: [0, 0, 0, 0] });
    for (const name of markResourceNames) {
      const ref = xobjects.get(name);
      if (ref.isNull()) continue;
      saved.set(name, ref);
      xobjects.put(name, empty);
    }
  }
  const collector = new BoundsCollector();
  const page = doc.loadPage(index);
  const device = collector.device();
  try {
    // Run in PDF page space (y up, MediaBox origin), not MuPDF's y-down device space.
    page.runPageContents(device, mupdf.Matrix.invert(page.getTransform()));
    device.close();
  } finally {
    device.destroy();
    page.destroy();
    for (const [name, ref] of saved) xobjects.put(name, ref);
  }
  return collector.box ? normalizeRect(collector.box) : null;
}
