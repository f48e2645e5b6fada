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
  /** A file sharp reads (CMYK TIFF with ICC profile), or raw pixels. */
  file?: string;
  raw?: { data: Uint8Array; width: number; height: number; channels: 3 };
}

/**
 * Writes the proof (long side `proofPx`, aspect `aspectW:aspectH`) and the thumbnail (`thumbPx` wide).
 * The aspect comes from the crop box, so a pixel of rounding in the render cannot skew it.
 */
export async function writeProofImages(
  input: ImageInput,
  aspect: [number, number],
  sizes: ProofSizes,
  out: { proof: string; thumbnail: string },
): Promise<void> {
  const src = () =>
    input.file
      ? sharp(input.file, { limitInputPixels: false })
      : sharp(input.raw?.data, {
          raw: { width: input.raw?.width ?? 0, height: input.raw?.height ?? 0, channels: 3 },
          limitInputPixels: false,
        });
  const [pw, ph] = proofDims(aspect[0], aspect[1], sizes.proofPx);
  // Render once into sRGB at proof size; the thumbnail is made from that, not from the big raster.
  const proof = await src()
    .toColourspace("srgb")
    .resize(pw, ph, { fit: "fill", kernel: "lanczos3" })
    .jpeg({ quality: 88, chromaSubsampling: "4:4:4" })
    .toBuffer();
  await writeFile(out.proof, proof);
  const th = Math.max(1, Math.round((sizes.thumbPx * ph) / pw));
  await sharp(proof).resize(sizes.thumbPx, th, { fit: "fill" }).jpeg({ quality: 82 }).toFile(out.thumbnail);
}
