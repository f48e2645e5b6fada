// Proof and thumbnail JPEGs from one rendered page. CMYK input goes to sRGB through libvips' ICC
// transform (lcms) using the profile embedded in the TIFF (Ghostscript's output profile), never by
// channel arithmetic.
import { writeFile } from "node:fs/promises";
import sharp from "sharp";

export interface ProofSizes {
  /** Long side of the proof, px. */
  proofPx: number;
  /** Width of the thumbnail, px. */
  thumbPx: number;
}

/** Proof size for a page of `w × h` (any unit): long side `proofPx`, same aspect. */
export function proofDims(w: number, h: number, proofPx: number): [number, number] {
  const s = proofPx / Math.max(w, h);
  return [Math.max(1, Math.round(w * s)), Math.max(1, Math.round(h * s))];
}

export interface ImageInput {
  /** A file sharp reads (CMYK TIFF with ICC profile), or raw sRGB pixels. */
  file?: string;
  raw?: { data: Uint8Array; channels: 3 };
  /** Pixel size of the input. */
  width: number;
  height: number;
}

/**
 * Writes the proof (long side `proofPx`, aspect `aspect[0]:aspect[1]`) and the thumbnail (`thumbPx`
 * wide). The aspect comes from the crop box, so a pixel of rounding in the render cannot skew it.
 * The render is made at (about) proof size, so usually a pixel is trimmed or repeated instead of a
 * resample; a real resample uses lanczos3 only when it shrinks noticeably.
 */
export async function writeProofImages(
  input: ImageInput,
  aspect: [number, number],
  sizes: ProofSizes,
  out: { proof: string; thumbnail: string },
): Promise<void> {
  const [pw, ph] = proofDims(aspect[0], aspect[1], sizes.proofPx);
  const { width: w, height: h } = input;
  let img = input.file
    ? sharp(input.file, { limitInputPixels: false })
    : sharp(input.raw?.data, { raw: { width: w, height: h, channels: 3 }, limitInputPixels: false });
  if (Math.abs(w - pw) <= 2 && Math.abs(h - ph) <= 2) {
    const [cw, ch] = [Math.min(w, pw), Math.min(h, ph)];
    if (cw !== w || ch !== h) img = img.extract({ left: 0, top: 0, width: cw, height: ch });
    if (cw !== pw || ch !== ph) img = img.extend({ right: pw - cw, bottom: ph - ch, extendWith: "copy" });
  } else {
    const kernel = pw / w > 0.85 && ph / h > 0.85 ? "linear" : "lanczos3";
    img = img.resize(pw, ph, { fit: "fill", kernel });
  }
  // CMYK input goes to sRGB through the embedded ICC profile here (lcms inside libvips).
  const proof = await img.toColourspace("srgb").jpeg({ quality: 86, optimiseCoding: false }).toBuffer();
  await writeFile(out.proof, proof);
  const th = Math.max(1, Math.round((sizes.thumbPx * ph) / pw));
  await sharp(proof).resize(sizes.thumbPx, th, { fit: "fill" }).jpeg({ quality: 82 }).toFile(out.thumbnail);
}
