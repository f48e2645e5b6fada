// The benchmarks' corpus of Signa-like sheets: the mark dialects, a TrimBox-only sheet and a Planeta
// sheet in turn, with 1 to 8 pages. Shared by the analysis and startup benchmarks.
import { type SheetSpec, tesOutputterMarks, threeMarks, writeSheet } from "../test/fixtures/signa.ts";

export function corpusSpec(i: number): SheetSpec {
  const kinds: SheetSpec[] = [
    {},
    { marks: tesOutputterMarks({ bureau: "Vonoel", paper: "900,0 x 640,0" }) },
    { marks: tesOutputterMarks({ bureau: "Korol", tes: true, split: "tj" }) },
    { marks: threeMarks({ split: "glyphs" }) },
    { marks: [{ creationName: "ColorBar" }], trimBoxMm: "paper" },
    {
      plateMm: [1010, 820],
      paperMm: [1000, 700],
      gripperMm: 45,
      marks: threeMarks({ press: "Planeta", paper: "1000 x 700" }),
    },
  ];
  return { ...kinds[i % kinds.length], pages: 1 + (i % 8) };
}

/** `count` corpus sheets written into `dir`; their paths in order. */
export async function writeCorpus(dir: string, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++)
    out.push(await writeSheet(dir, `${1000 + i}_job ${i}_Leonov.pdf`, corpusSpec(i)));
  return out;
}
