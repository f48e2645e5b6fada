// Fallback renderer (no Ghostscript): renders one page of the cropped PDF with MuPDF.js in a worker
// thread, so the event loop stays free. Plain JavaScript so it loads in a worker under any runner.
// MuPDF.js does not simulate overprint and folds spot colours into CMYK: results are approximate.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import * as mupdf from "mupdf";

const { pdf, page, dpi } = workerData;
const fd = openSync(pdf, "r");
const size = fstatSync(fd).size;
const stream = new mupdf.Stream({
  fileSize: () => size,
  read: (memory, offset, length, position) =>
    readSync(fd, memory, offset, Math.min(length, Math.max(0, size - position)), position),
  close: () => {},
});
try {
  const doc = mupdf.Document.openDocument(stream, "application/pdf");
  const p = doc.loadPage(page - 1);
  const s = dpi / 72;
  const cmyk = p.toPixmap([s, 0, 0, s, 0, 0], mupdf.ColorSpace.DeviceCMYK, false);
  const w = cmyk.getWidth();
  const h = cmyk.getHeight();
  const stride = cmyk.getStride();
  const px = cmyk.getPixels();
  const sums = [0, 0, 0, 0];
  const high = [0, 0, 0, 0];
  for (let y = 0; y < h; y++) {
    let i = y * stride;
    for (let x = 0; x < w; x++, i += 4) {
      for (let c = 0; c < 4; c++) {
        const v = px[i + c];
        sums[c] += v;
        if (v > high[c]) high[c] = v;
      }
    }
  }
  const peak = high.map((v) => (v / 255) * 100);
  const area = 255 * w * h;
  const coverage = sums.map((v) => (area ? (v / area) * 100 : 0));
  // MuPDF converts through its ICC engine (lcms2), not by channel arithmetic.
  const rgbPix = cmyk.convertToColorSpace(mupdf.ColorSpace.DeviceRGB, false);
  const rs = rgbPix.getStride();
  const src = rgbPix.getPixels();
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) rgb.set(src.subarray(y * rs, y * rs + w * 3), y * w * 3);
  parentPort.postMessage({ ok: true, width: w, height: h, rgb, coverage, peak }, [rgb.buffer]);
} catch (e) {
  parentPort.postMessage({ ok: false, error: String(e?.message ?? e) });
} finally {
  closeSync(fd);
}
