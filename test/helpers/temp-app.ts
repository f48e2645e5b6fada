// A real application context on a temp data directory (real SQLite file), for tests.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { type AppContext, createContext } from "../../src/app/context.ts";
import { readRuntime } from "../../src/config/runtime.ts";

export function tempDir(prefix = "pdfupload-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function tempContext(
  dataDir = tempDir(),
  env: Record<string, string> = {},
): Promise<AppContext> {
  const runtime = readRuntime({ PDFUPLOAD_DATA: dataDir, PDFUPLOAD_SECRET_KEY: "", ...env });
  return createContext(runtime, pino({ level: process.env.TEST_LOG ?? "silent" }));
}
