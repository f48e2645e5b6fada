// MuPDF runs as WebAssembly. After a trap (an out-of-bounds access, `unreachable`), a stack overflow or
// an out-of-memory inside one of its calls, its heap may be half-updated: every later read in the same
// process can fail or, worse, give wrong figures. Such errors are caught in many places (a mark that
// cannot be read is only a warning), so each place reports the error here and the PDF child asks
// before it takes the next file; a child that saw one is ended and replaced (src/isolation/).

/** Messages of errors after which MuPDF's heap cannot be trusted (V8's WASM trap texts and kin). */
const FAULT =
  /memory access out of bounds|table index is out of bounds|\bunreachable\b|signature mismatch|null function|divide by zero|remainder by zero|unrepresentable in integer|out of memory|cannot enlarge memory|malloc \(\d+ bytes\) failed|maximum call stack|stack overflow|too much recursion|MuPDF trapped|\bAborted\(|invalid file handle/i;

/** The text of a thrown value (MuPDF.js sometimes throws a bare string). */
export function faultText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

/** True when `e` means MuPDF's WASM state may be damaged (decided from the error, not the file). */
export function isReaderFault(e: unknown): boolean {
  if (e instanceof WebAssembly.RuntimeError) return true;
  if (e instanceof RangeError && /call stack|stack size/i.test(e.message)) return true;
  if (typeof e === "string" || e instanceof Error) return FAULT.test(faultText(e));
  return false;
}

let seen: string | null = null;

/** Notes `e` if it is a reader fault (the first one is kept); returns whether it was one. */
export function noteReaderFault(e: unknown): boolean {
  if (!isReaderFault(e)) return false;
  seen ??= faultText(e).slice(0, 500);
  return true;
}

/** The reader fault noted since the last call, if any, and forgets it. */
export function takeReaderFault(): string | null {
  const s = seen;
  seen = null;
  return s;
}
