export { analysisError } from "./errors.ts";
export * from "./geometry.ts";
export {
  type InspectFacts,
  type InspectInput,
  type InspectResult,
  inspect,
  type PageBoxes,
} from "./inspect.ts";
export { captureMupdfLog } from "./mupdf-log.ts";
export { type OpenPdf, openPdf, type ReadStats } from "./open-pdf.ts";
export { hasPdfExtension, type Sniff, sniffFile } from "./sniff.ts";
