// A second opinion for a file MuPDF.js refuses or traps on: qpdf, then Ghostscript, rewrite it into
// a copy (never touching the original) that MuPDF is asked to read instead. qpdf keeps every object
// (Signa's marks and colorant lists survive) and rebuilds the xref and the trailer; Ghostscript
// re-interprets the pages as a RIP would, which also mends broken content streams but drops Signa's
// private data. Both are spawned with argument arrays, time-limited, and their complaints kept to
// say what was repaired.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { GS_BASE, gsBinary, gsProblems } from "../pipeline/steps/render/ghostscript.ts";

export type Repairer = "qpdf" | "ghostscript";

/** Ghostscript's words for pages or the document it could not read (its copy would be blank there). */
const GS_LOST =
  /page not found|couldn't get page|couldn't initialise file|catalog dictionary not located|unable to proceed|no pages/i;

export interface RepairedCopy {
  path: string;
  by: Repairer;
  /** What the tool complained about while rewriting (what was repaired), short. */
  notes: string;
}

interface Run {
  code: number | null;
  stderr: string;
}

function run(bin: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<Run> {
  return new Promise((resolve) => {
    let stderr = "";
    // Ghostscript says what it could not read on stdout, qpdf on stderr: keep both.
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    const keep = (d: string) => {
      if (stderr.length < 64 * 1024) stderr += d;
    };
    child.stdout.setEncoding("utf8").on("data", keep);
    child.stderr.setEncoding("utf8").on("data", keep);
    const kill = () => child.kill("SIGKILL");
    const timer = setTimeout(kill, timeoutMs);
    signal?.addEventListener("abort", kill, { once: true });
    const done = (code: number | null) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", kill);
      resolve({ code, stderr });
    };
    child.on("error", (e) => {
      stderr += e.message;
      done(null);
    });
    child.on("close", (code) => done(code));
  });
}

/** qpdf's warnings without the file name prefix, first few, deduplicated. */
function qpdfNotes(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) =>
      l
        .replace(/^WARNING:\s*/, "")
        .replace(/^[^:]*\.pdf[^:]*:\s*/, "")
        .trim(),
    )
    .filter((l) => l && !/operation succeeded with warnings|resulting file may have some problems/i.test(l));
  const s = [...new Set(lines)].slice(0, 3).join("; ");
  return s.length > 300 ? `${s.slice(0, 297)}...` : s;
}

/**
 * How many pages Ghostscript, standing in for the bureau's RIP, draws from `src`: every page it
 * announces, with no error on any page and no page it could not find. Mending the file's structure
 * (xref, trailer, an object without `endobj`) is allowed, as a RIP does the same. Null otherwise.
 */
export async function ghostscriptDraws(
  src: string,
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<number | null> {
  // Without -q: the "Processing pages 1 through N" and "Page n" lines are what is counted.
  const r = await run(
    gsBinary(),
    ["-dSAFER", "-dBATCH", "-dNOPAUSE", "-r72", "-sDEVICE=nullpage", "-f", src],
    opts.timeoutMs,
    opts.signal,
  );
  const announced = Number(/Processing pages 1 through (\d+)\./.exec(r.stderr)?.[1] ?? 0);
  const drawn = (r.stderr.match(/^Page \d+$/gm) ?? []).length;
  if (r.code !== 0 || announced === 0 || drawn !== announced) return null;
  if (/\*{4} Error/.test(r.stderr) || GS_LOST.test(r.stderr)) return null;
  return drawn;
}

/**
 * Rewrites `src` into `dest` with `by`; null when the tool failed (or is missing) and wrote nothing
 * usable. A partial output is removed.
 */
export async function rewritePdf(
  src: string,
  dest: string,
  by: Repairer,
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<RepairedCopy | null> {
  fs.rmSync(dest, { force: true });
  // qpdf exits 3 when it wrote the file with warnings (what it repaired): that copy is what we want.
  const r =
    by === "qpdf"
      ? await run(
          "qpdf",
          ["--warning-exit-0", "--no-original-object-ids", "--", src, dest],
          opts.timeoutMs,
          opts.signal,
        )
      : await run(
          gsBinary(),
          // No -dPDFSTOPONERROR=false: Ghostscript 10 takes the mere definition for true and stops.
          [...GS_BASE, "-sDEVICE=pdfwrite", `-sOutputFile=${dest}`, "-f", src],
          opts.timeoutMs,
          opts.signal,
        );
  const wrote = fs.existsSync(dest) && fs.statSync(dest).size > 0;
  // Ghostscript writes a blank page for one it could not find: such a copy has lost what it lacks.
  const lostPages = by === "ghostscript" && GS_LOST.test(r.stderr);
  if (r.code !== 0 || !wrote || lostPages) {
    fs.rmSync(dest, { force: true });
    return null;
  }
  const notes = by === "qpdf" ? qpdfNotes(r.stderr) : (gsProblems(r.stderr) ?? "");
  return { path: dest, by, notes };
}
