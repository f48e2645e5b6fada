// Our own bounded walk of what a page's content can draw (forms, tiling patterns, Type 3 glyphs, soft
// masks, shadings and their functions, image masks, annotation appearances), before MuPDF runs any
// content. MuPDF.js runs content on WASM's small stack: a pattern that paints itself, a cycle of
// forms, or forms nested a few dozen deep overflow it and leave its heap corrupt (src/isolation/
// replaces such a child, but the file itself must not get that far).
//
// The walk follows resource dictionaries, which alone is cheap but not proof: many producers share
// one resource dictionary between the page and all its forms, so a form "reaches" itself without
// ever drawing itself. Only when the cheap walk finds a cycle or a deep chain is it done again,
// following just the names each content stream mentions.
import type * as mupdf from "mupdf";
import { type Note, note } from "../../../util/note.ts";
import { noteReaderFault } from "./reader-fault.ts";

/** Deepest nesting of content (forms, patterns, glyphs, masks) MuPDF.js is let run; it failed at ~32. */
export const MAX_CONTENT_DEPTH = 24;
/** Most objects one walk expands: past this the structure itself is the hazard. */
const MAX_NODES = 200_000;

export type Hazard = { kind: "cycle" | "deep"; what: string; note: Note };

type Kind = "form" | "pattern" | "Type 3 font" | "soft mask" | "shading" | "function" | "image" | "page";

interface Node {
  kind: Kind;
  /** Resource name that led here (for messages). */
  name: string;
  obj: mupdf.PDFObject;
  /** Resources the content runs with (own, else inherited); null for objects without content. */
  res: mupdf.PDFObject | null;
  key: string;
}

class Found extends Error {
  constructor(readonly hazard: Hazard) {
    super(hazard.what);
  }
}

const CONTENT: ReadonlySet<Kind> = new Set(["page", "form", "pattern", "Type 3 font", "soft mask"]);

const label = (n: Node) => (n.kind === "page" ? "the page" : `${n.kind} ${n.name}`);

function num(o: mupdf.PDFObject): number | null {
  return o.isIndirect() ? o.asIndirect() : null;
}

function nameOf(o: mupdf.PDFObject, key: string): string | null {
  const v = o.get(key);
  return v.isName() ? v.asName() : null;
}

/** Names a content stream mentions (`/Name` tokens, #xx decoded); null when it cannot be read. */
function mentionedNames(streams: mupdf.PDFObject[]): Set<string> | null {
  const out = new Set<string>();
  for (const s of streams) {
    let text: string;
    try {
      const buf = s.readStream();
      text = Buffer.from(buf.asUint8Array()).toString("latin1");
      buf.destroy();
    } catch (e) {
      noteReaderFault(e);
      return null;
    }
    for (const m of text.matchAll(/\/([^\s/[\]()<>{}%]*)/g))
      out.add(
        m[1].replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
      );
  }
  return out;
}

/** Finds cycles and over-deep chains in what pages and forms draw; one instance per open document. */
export class RecursionGuard {
  private readonly memo = new Map<string, number>();
  private readonly pageHazards = new Map<number, Hazard | null>();
  private nodes = 0;

  constructor(private readonly doc: mupdf.PDFDocument) {}

  /** What makes running page `index` (0-based) unsafe, or null. */
  page(index: number): Hazard | null {
    const cached = this.pageHazards.get(index);
    if (cached !== undefined) return cached;
    const obj = this.doc.findPage(index);
    const res = obj.getInheritable("Resources");
    const node: Node = { kind: "page", name: String(index + 1), obj, res, key: `p${index}` };
    const h = this.check(node);
    this.pageHazards.set(index, h);
    return h;
  }

  /** What makes drawing form `obj` (named `name`, inheriting `res`) unsafe, or null. */
  form(obj: mupdf.PDFObject, name: string, res: mupdf.PDFObject | null): Hazard | null {
    const node = this.contentNode("form", name, obj, res, "top");
    return node ? this.check(node) : null;
  }

  private check(node: Node): Hazard | null {
    // The cheap walk over every resource, then (only if it found something) the walk over used names.
    if (this.walk(node, false) === null) return null;
    return this.walk(node, true);
  }

  private walk(root: Node, byUse: boolean): Hazard | null {
    this.memo.clear();
    this.nodes = 0;
    try {
      this.visit(root, [], byUse);
      return null;
    } catch (e) {
      if (e instanceof Found) return e.hazard;
      noteReaderFault(e);
      // A structure our walk cannot follow is one MuPDF cannot draw either; its own reading reports it.
      return null;
    }
  }

  /** Returns the content depth below and including `n`; throws Found on a hazard. */
  private visit(n: Node, path: Node[], byUse: boolean): number {
    if (path.some((p) => p.key === n.key)) {
      const from = path.findIndex((p) => p.key === n.key);
      const loop = path.slice(from + 1).map(label);
      const what = `${label(n)} draws itself${loop.length ? ` through ${loop.join(", ")}` : ""}`;
      throw new Found({
        kind: "cycle",
        what,
        note: note(loop.length ? "hazard.cycle-through" : "hazard.cycle", what, {
          object: label(n),
          through: loop.join(", "),
        }),
      });
    }
    const depthHere = path.filter((p) => CONTENT.has(p.kind)).length + (CONTENT.has(n.kind) ? 1 : 0);
    const known = this.memo.get(n.key);
    if (known !== undefined) {
      this.tooDeep(depthHere - (CONTENT.has(n.kind) ? 1 : 0) + known, [...path, n]);
      return known;
    }
    if (++this.nodes > MAX_NODES)
      throw new Found({
        kind: "deep",
        what: `it draws more than ${MAX_NODES} nested objects`,
        note: note("hazard.many", `it draws more than ${MAX_NODES} nested objects`, { max: MAX_NODES }),
      });
    this.tooDeep(depthHere, [...path, n]);
    let below = 0;
    path.push(n);
    try {
      for (const c of this.children(n, byUse)) below = Math.max(below, this.visit(c, path, byUse));
    } finally {
      path.pop();
    }
    const height = below + (CONTENT.has(n.kind) ? 1 : 0);
    this.memo.set(n.key, height);
    return height;
  }

  private tooDeep(depth: number, path: Node[]): void {
    if (depth <= MAX_CONTENT_DEPTH) return;
    const chain = path.filter((p) => CONTENT.has(p.kind)).map(label);
    const shown = chain.length > 4 ? [...chain.slice(0, 3), "…"] : chain;
    const what = `its forms and patterns are nested more than ${MAX_CONTENT_DEPTH} deep (${shown.join(" → ")})`;
    throw new Found({
      kind: "deep",
      what,
      note: note("hazard.deep", what, { max: MAX_CONTENT_DEPTH, chain: shown.join(" → ") }),
    });
  }

  private contentNode(
    kind: Kind,
    name: string,
    obj: mupdf.PDFObject,
    inherited: mupdf.PDFObject | null,
    parentKey: string,
  ): Node | null {
    const own = obj.get("Resources");
    const res = own.isDictionary() ? own : inherited;
    const n = num(obj);
    // Content without resources of its own runs with its caller's: the same object is another node.
    const key = n === null ? `${parentKey}/${name}` : own.isDictionary() ? `o${n}` : `o${n}@${parentKey}`;
    return { kind, name, obj, res, key };
  }

  private plain(kind: Kind, name: string, obj: mupdf.PDFObject, parentKey: string): Node {
    const n = num(obj);
    return { kind, name, obj, res: null, key: n === null ? `${parentKey}/${kind}:${name}` : `o${n}` };
  }

  /** The streams whose content `n` runs. */
  private contentStreams(n: Node): mupdf.PDFObject[] {
    if (n.kind === "page") {
      const c = n.obj.get("Contents");
      if (c.isArray()) {
        const out: mupdf.PDFObject[] = [];
        for (let i = 0; i < c.length; i++) if (c.get(i).isStream()) out.push(c.get(i));
        return out;
      }
      return c.isStream() ? [c] : [];
    }
    if (n.kind === "Type 3 font") {
      const out: mupdf.PDFObject[] = [];
      const procs = n.obj.get("CharProcs");
      if (procs.isDictionary())
        procs.forEach((p) => {
          if (p.isStream()) out.push(p);
        });
      return out;
    }
    return n.obj.isStream() ? [n.obj] : [];
  }

  private children(n: Node, byUse: boolean): Node[] {
    const out: Node[] = [];
    const k = n.key;
    switch (n.kind) {
      case "shading":
      case "function": {
        const f = n.obj.get(n.kind === "shading" ? "Function" : "Functions");
        const list = f.isArray() ? Array.from({ length: f.length }, (_, i) => f.get(i)) : [f];
        list.forEach((x, i) => {
          if (x.isDictionary()) out.push(this.plain("function", `${n.name}.${i}`, x, k));
        });
        return out;
      }
      case "image": {
        for (const key of ["SMask", "Mask"]) {
          const m = n.obj.get(key);
          if (m.isStream()) out.push(this.plain("image", `${n.name}/${key}`, m, k));
        }
        return out;
      }
      default:
        break;
    }
    const res = n.res;
    if (n.kind === "page") {
      const annots = n.obj.get("Annots");
      for (let i = 0; annots.isArray() && i < annots.length; i++) {
        const ap = annots.get(i).get("AP", "N");
        if (ap.isStream()) out.push(this.contentNode("form", `annotation ${i + 1}`, ap, res, k) as Node);
        else if (ap.isDictionary())
          ap.forEach((s, state) => {
            if (s.isStream())
              out.push(this.contentNode("form", `annotation ${i + 1} (${state})`, s, res, k) as Node);
          });
      }
    }
    if (!res?.isDictionary()) return out;
    const used = byUse ? mentionedNames(this.contentStreams(n)) : null;
    const each = (cat: string, fn: (obj: mupdf.PDFObject, name: string) => void) => {
      const d = res.get(cat);
      if (d.isDictionary())
        d.forEach((obj, name) => {
          if (!used || used.has(String(name))) fn(obj, String(name));
        });
    };
    each("XObject", (x, name) => {
      const sub = nameOf(x, "Subtype");
      if (sub === "Form" || (sub === null && x.isStream() && x.get("BBox").isArray())) {
        const c = this.contentNode("form", name, x, res, k);
        if (c) out.push(c);
      } else if (sub === "Image") out.push(this.plain("image", name, x, k));
    });
    each("Pattern", (p, name) => {
      const type = p.get("PatternType");
      if (type.isNumber() && type.asNumber() === 1) {
        const c = this.contentNode("pattern", name, p, res, k);
        if (c) out.push(c);
      } else if (p.get("Shading").isDictionary()) out.push(this.plain("shading", name, p.get("Shading"), k));
    });
    each("Shading", (s, name) => {
      if (s.isDictionary()) out.push(this.plain("shading", name, s, k));
    });
    each("Font", (f, name) => {
      if (nameOf(f, "Subtype") === "Type3") {
        const c = this.contentNode("Type 3 font", name, f, res, k);
        if (c) out.push(c);
      }
    });
    each("ExtGState", (g, name) => {
      const group = g.get("SMask", "G");
      if (group.isStream()) {
        const c = this.contentNode("soft mask", name, group, res, k);
        if (c) out.push(c);
      }
    });
    return out;
  }
}
