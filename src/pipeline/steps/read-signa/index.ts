export { readColorants } from "./colorants.ts";
export { measureContentBox } from "./content-box.ts";
export {
  findMarks,
  type Mark,
  type MarkRef,
  MarkTextReader,
  marksRecord,
  normalizeMarkText,
  readMarks,
  toMark,
} from "./marks.ts";
export {
  contentBox,
  type ReadSignaOptions,
  type ReadSignaResult,
  readSigna,
  type SignaPage,
} from "./read-signa.ts";
