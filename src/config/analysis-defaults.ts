// Defaults of the PDF child processes' limits, apart from the settings schema (zod) so that the CLI can
// start a child with them before the settings are loaded (analyze.command.ts).
export const DEFAULT_PDF_MEMORY_LIMIT_MB = 1536;
export const DEFAULT_PDF_WORKERS = 2;
