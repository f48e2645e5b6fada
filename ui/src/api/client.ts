// Fetch wrapper: JSON in and out, the session's CSRF token on every change, API errors as ApiError
// (a stable code the UI turns into words, plus the server's message and field problems).
export interface Problem {
  path: string;
  message: string;
  /** A problem the UI words itself (`foreign-secret`). */
  code?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

let csrf: string | null = null;
/** Called by the session when it learns the token (GET /api/me, login). */
export function setCsrf(token: string | null): void {
  csrf = token;
}

/** Listeners told when the server says the session is gone (401), so the UI can show the login. */
const unauthorized = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorized.add(fn);
  return () => unauthorized.delete(fn);
}

async function toError(res: Response): Promise<ApiError> {
  let body: { error?: { code?: string; message?: string; problems?: Problem[] } } | null = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON: a proxy's error page */
  }
  const e = body?.error;
  return new ApiError(
    res.status,
    e?.code ?? `http-${res.status}`,
    e?.message ?? res.statusText,
    e?.problems ?? [],
  );
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Raw text body (YAML import). */
  text?: string;
  signal?: AbortSignal;
}

export async function api<T>(url: string, o: RequestOptions = {}): Promise<T> {
  const method = o.method ?? (o.body !== undefined || o.text !== undefined ? "POST" : "GET");
  const headers: Record<string, string> = { accept: "application/json" };
  if (method !== "GET" && csrf) headers["x-csrf-token"] = csrf;
  let body: BodyInit | undefined;
  if (o.text !== undefined) {
    headers["content-type"] = "text/plain; charset=utf-8";
    body = o.text;
  } else if (o.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(o.body);
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body, signal: o.signal, credentials: "same-origin" });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError(0, "network", (e as Error).message);
  }
  if (!res.ok) {
    const err = await toError(res);
    if (res.status === 401) for (const fn of unauthorized) fn();
    throw err;
  }
  const type = res.headers.get("content-type") ?? "";
  return (type.includes("json") ? await res.json() : await res.text()) as T;
}

/** Multipart upload with progress (fetch has no upload progress). */
export function upload(
  files: File[],
  onProgress: (fraction: number) => void,
): Promise<{
  jobs: { id: number; file: string; already: boolean }[];
  refused?: { file: string; code: string }[];
}> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const f of files) form.append("file", f, f.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/uploads");
    if (csrf) xhr.setRequestHeader("x-csrf-token", csrf);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, "network", "upload failed"));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* keep null */
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as never);
      const e = (body as { error?: { code?: string; message?: string } } | null)?.error;
      reject(new ApiError(xhr.status, e?.code ?? `http-${xhr.status}`, e?.message ?? xhr.statusText));
    };
    xhr.send(form);
  });
}

/** `/api/jobs/7/files/page-1.jpg`; names come from the job's outputs (one path parameter). */
export function fileUrl(jobId: number, name: string): string {
  return `/api/jobs/${jobId}/files/${encodeURIComponent(name)}`;
}
