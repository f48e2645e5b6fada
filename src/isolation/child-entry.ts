// How the PDF pool starts a child: the compiled build (dist/) runs pdf-child.js with plain Node; the
// sources (tests, a checkout without a build) run pdf-child.ts through tsx. Decided by this module's
// own file, which is compiled together with the child.
import { fileURLToPath } from "node:url";

const compiled = import.meta.url.endsWith(".js");

/** The child's script. */
export const CHILD_ENTRY = fileURLToPath(
  new URL(compiled ? "./pdf-child.js" : "./pdf-child.ts", import.meta.url),
);

/** Node options the child needs before its script (tsx's loader for the sources). */
export const CHILD_EXEC_ARGS: readonly string[] = compiled
  ? []
  : ["--import", import.meta.resolve("tsx/esm")];
