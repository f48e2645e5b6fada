// The original's tool chain per file, as its single worker ran it (each tool spawned in turn), shared
// by the render and throughput benchmarks.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Its analysis: `file`, `pdfinfo`, `pdfinfo -box`, `pdftotext` twice. */
export async function originalAnalysis(file: string): Promise<void> {
  await run("file", ["-b", "--mime-type", file]);
  await run("pdfinfo", [file]);
  await run("pdfinfo", ["-box", "-f", "1", "-l", "9999", file]);
  await run("pdftotext", ["-layout", file, "-"], { maxBuffer: 64 << 20 });
  await run("pdftotext", [file, "-"], { maxBuffer: 64 << 20 });
}

/**
 * Its render of the already-cropped file: gs pdfwrite (150 ppi) → gs -sDEVICE=jpeg -r200 → convert
 * -resize 2500 → convert -resize 175 → gs -sDEVICE=ink_cov. `proofPages = 1` is exactly what it ran
 * (proof of page 1 only); `proofPages = n` extends its per-page part to every page.
 */
export async function originalRender(cropped: string, dir: string, proofPages: number): Promise<void> {
  const gs = ["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE"];
  await run("gs", [
    ...gs,
    "-sDEVICE=pdfwrite",
    "-dDownsampleColorImages=true",
    "-dColorImageResolution=150",
    "-dColorImageDownsampleThreshold=1.0",
    `-sOutputFile=${join(dir, "orig-preview.pdf")}`,
    cropped,
  ]);
  for (let p = 1; p <= proofPages; p++) {
    const jpg = join(dir, "orig-200.jpg");
    await run("gs", [
      ...gs,
      "-sDEVICE=jpeg",
      "-r200",
      `-dFirstPage=${p}`,
      `-dLastPage=${p}`,
      `-sOutputFile=${jpg}`,
      cropped,
    ]);
    await run("convert", [jpg, "-resize", "2500", join(dir, "orig-proof.jpg")]);
    await run("convert", [join(dir, "orig-proof.jpg"), "-resize", "175", join(dir, "orig-thumb.jpg")]);
  }
  await run("gs", [...gs, "-sDEVICE=ink_cov", "-sOutputFile=-", cropped], { maxBuffer: 1 << 20 });
}
