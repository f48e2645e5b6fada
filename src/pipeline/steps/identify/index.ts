export {
  bureauFromFileName,
  extensionOf,
  type FileNameFacts,
  fileNameFacts,
  nameWithoutBureau,
  orderFromFileName,
  stripExtension,
} from "./file-name.ts";
export { findConfiguredName, type MarkText, type NameHit } from "./find-name.ts";
export { type IdentifyInput, type IdentifyPage, type IdentifyResult, identify } from "./identify.ts";
export { findPaper, type PaperFinding, type PaperInput, paperFromMarks, paperRectOnPlate } from "./paper.ts";
export { type CompiledPatterns, compilePatterns, DEFAULT_MARK_PATTERNS } from "./patterns.ts";
export { findPress, type PressFinding, pressesForPlate } from "./press.ts";
