// A known tiny PDF read after every task in the PDF child: if MuPDF's heap was damaged by the file
// just read, without any error saying so, this read fails or measures wrongly, and the child is
// replaced before the next file (see reader-fault.ts for the errors that say so outright).
import * as mupdf from "mupdf";

const CANARY = (() => {
  const content = "q 0 0 0 1 k 10 20 110 220 re f Q BT /F1 12 Tf 30 40 Td (ok) Tj ET";
  const objects = [
    "<</Type/Catalog /Pages 2 0 R>>",
    "<</Type/Pages /Kids[3 0 R] /Count 1>>",
    "<</Type/Page /Parent 2 0 R /MediaBox[0 0 200 300] /Resources<</Font<</F1 5 0 R>>>> /Contents 4 0 R>>",
    `<</Length ${content.length}>>\nstream\n${content}\nendstream`,
    "<</Type/Font /Subtype/Type1 /BaseFont/Helvetica>>",
  ];
  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) pdf += `${String(off).padStart(10, "0")} 00000 n \n`;
  pdf += `trailer\n<</Size ${objects.length + 1} /Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, "latin1");
})();

/** Null when MuPDF read the canary as it should, else what went wrong. */
export function readerCanary(): string | null {
  let doc: mupdf.Document | null = null;
  try {
    doc = mupdf.Document.openDocument(CANARY, "application/pdf");
    const page = doc.loadPage(0);
    const st = page.toStructuredText("");
    const text = st.asText().trim();
    st.destroy();
    // A quarter scale (50 × 75 px): the black box spans x 2–27, y 20–70 from the top.
    const pix = page.toPixmap([0.25, 0, 0, 0.25, 0, 0], mupdf.ColorSpace.DeviceGray, false);
    const px = pix.getPixels();
    const at = (x: number, y: number) => px[y * pix.getWidth() + x];
    const inside = at(15, 45);
    const outside = at(40, 5);
    pix.destroy();
    page.destroy();
    if (text !== "ok") return `the reader's self-check read "${text.slice(0, 40)}" instead of "ok"`;
    if (inside > 40 || outside < 215)
      return `the reader's self-check drew ${inside}/${outside} instead of black/white`;
    return null;
  } catch (e) {
    return `the reader's self-check failed (${e instanceof Error ? e.message : String(e)})`;
  } finally {
    doc?.destroy();
  }
}
