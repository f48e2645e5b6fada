// The render step's public API: preview PDF, proofs, thumbnails and ink coverage per separation.
export { type Rect, writeCroppedPdf } from "./crop-pdf.ts";
export { GHOSTSCRIPT_HINT, ghostscriptAvailable, ghostscriptVersion } from "./ghostscript.ts";
export { RenderError, type RenderErrorCode } from "./render-error.ts";
export {
  type Cropper,
  type InkZonesOf,
  measureInks,
  type PageRender,
  PREVIEW_FILE_NAME,
  ppfFileName,
  proofFileName,
  type RenderEngine,
  type RenderInput,
  type RenderResult,
  type RenderSettings,
  renderSheets,
  renderToDir,
  thumbnailFileName,
  withInks,
} from "./render-sheets.ts";
