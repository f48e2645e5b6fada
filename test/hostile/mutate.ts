// Mutations of valid PDFs for fuzzing, as fast-check arbitraries: truncation, byte flips, broken
// xref offsets, looping references, huge numbers, deep nesting and spliced chunks.
import fc from "fast-check";

export type Mutation =
  | { kind: "truncate"; at: number }
  | { kind: "flip"; edits: { pos: number; byte: number }[] }
  | { kind: "token"; which: number; replacement: string }
  | { kind: "xref"; delta: number }
  | { kind: "loop"; which: number }
  | { kind: "splice"; from: number; to: number; len: number };

const HOSTILE = [
  "99999999999999999999",
  "-2147483649",
  "4294967296",
  "1e308",
  "-0.000000000000000000001",
  "NaN",
  "0",
  "-1",
  `${"[".repeat(5000)}`,
  `${"<<".repeat(2000)}`,
  "()",
  "(\\",
  "<FFFE",
  "/Parent 1 0 R",
  "endstream",
  "endobj",
  "%%EOF",
  "stream\n",
  "1 0 R",
  "/Kids[1 0 R 2 0 R 3 0 R]",
  "/Length 999999999",
  "/Filter/LZWDecode",
  "/Filter[/FlateDecode/FlateDecode/FlateDecode]",
];

// What a token edit may hit: numbers, references, names that steer the reader, keywords.
const TOKEN =
  /-?\d+(\.\d+)?( \d+ R)?|\/(Parent|Kids|Count|Length|Filter|MediaBox|TrimBox|Resources|XObject|Contents|Type|Size|Root|Prev|W|Index|N|First)\b|\b(obj|endobj|stream|endstream|xref|trailer|startxref)\b/g;

export function tokenPositions(bytes: Uint8Array): { at: number; len: number }[] {
  const text = Buffer.from(bytes).toString("latin1");
  const out: { at: number; len: number }[] = [];
  for (const m of text.matchAll(TOKEN)) out.push({ at: m.index ?? 0, len: m[0].length });
  return out;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("flip" as const),
    edits: fc.array(fc.record({ pos: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), {
      minLength: 1,
      maxLength: 24,
    }),
  }),
  fc.record({
    kind: fc.constant("token" as const),
    which: fc.nat(),
    replacement: fc.oneof(
      fc.constantFrom(...HOSTILE),
      fc.integer().map(String),
      fc.double({ noNaN: false }).map(String),
    ),
  }),
  fc.record({ kind: fc.constant("xref" as const), delta: fc.integer({ min: -5000, max: 5000 }) }),
  fc.record({ kind: fc.constant("loop" as const), which: fc.nat() }),
  fc.record({
    kind: fc.constant("splice" as const),
    from: fc.nat(),
    to: fc.nat(),
    len: fc.integer({ min: 1, max: 4096 }),
  }),
);

const cat = (...parts: (Uint8Array | string)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));

export function applyMutation(src: Uint8Array, m: Mutation): Uint8Array {
  const b = Buffer.from(src);
  switch (m.kind) {
    case "truncate":
      return b.subarray(0, m.at % (b.length + 1));
    case "flip": {
      const out = Buffer.from(b);
      for (const e of m.edits) if (out.length) out[e.pos % out.length] = e.byte;
      return out;
    }
    case "token": {
      const tokens = tokenPositions(b);
      if (!tokens.length) return b;
      const t = tokens[m.which % tokens.length];
      return cat(b.subarray(0, t.at), m.replacement, b.subarray(t.at + t.len));
    }
    case "xref": {
      const text = b.toString("latin1");
      const i = text.lastIndexOf("startxref");
      if (i < 0) return b;
      const mm = /startxref\s+(\d+)/.exec(text.slice(i));
      if (!mm) return b;
      const at = i + mm[0].length - mm[1].length;
      return cat(
        b.subarray(0, at),
        String(Math.max(0, Number(mm[1]) + m.delta)),
        b.subarray(at + mm[1].length),
      );
    }
    case "loop": {
      // Point a reference back at the object that holds it: /Parent, /Kids, XObjects drawing themselves.
      const text = b.toString("latin1");
      const refs = [...text.matchAll(/(\d+) 0 R/g)];
      if (!refs.length) return b;
      const r = refs[m.which % refs.length];
      const before = text.slice(0, r.index);
      const owner = [...before.matchAll(/(\d+) 0 obj/g)].at(-1)?.[1] ?? "1";
      return cat(b.subarray(0, r.index), `${owner} 0 R`, b.subarray((r.index ?? 0) + r[0].length));
    }
    case "splice": {
      if (!b.length) return b;
      const from = m.from % b.length;
      const to = m.to % b.length;
      const chunk = b.subarray(from, Math.min(b.length, from + m.len));
      return cat(b.subarray(0, to), chunk, b.subarray(to));
    }
  }
}
