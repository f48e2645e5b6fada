// POST with a timeout. Messages name the host only: URLs carry tokens (Telegram's bot token,
// webhook secrets in paths).
import { NotifyError } from "./types.ts";

export interface HttpReply {
  status: number;
  text: string;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(bad URL)";
  }
}

export async function post(
  label: string,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<HttpReply> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === "TimeoutError")
      throw new NotifyError("timeout", `${label} ${hostOf(url)}: no answer in ${timeoutMs} ms`);
    const why = e.cause?.code ?? e.cause?.message ?? e.message;
    throw new NotifyError("network", `${label} ${hostOf(url)}: ${why}`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw new NotifyError("network", `${label} ${hostOf(url)}: reply cut off (${(err as Error).message})`);
  }
  if (res.status < 200 || res.status > 299) {
    throw new NotifyError(
      "http",
      `${label} ${hostOf(url)}: HTTP ${res.status} ${text.slice(0, 300)}`,
      text.slice(0, 1000),
    );
  }
  return { status: res.status, text: text.slice(0, 1000) };
}
