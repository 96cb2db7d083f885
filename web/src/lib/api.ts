/**
 * The console's HTTP API client (/work/notes/api-contract.md): JSON under /api/v1 on the page's own
 * origin, RFC 9457 problem bodies turned into `ApiError`s, the SIWE bearer token when signed in.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

let token: string | null = null;

export function setToken(value: string | null): void {
  token = value;
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set("Accept", "application/json, application/problem+json");
  if (init.body) headers.set("Content-Type", "application/json");
  if (token) headers.set("Authorization", `Bearer ${token}`);
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, { ...init, headers });
  } catch (error) {
    throw new ApiError(0, "network error", (error as Error).message);
  }
  const type = response.headers.get("Content-Type") ?? "";
  const body = type.includes("json") ? await response.json() : null;
  if (!response.ok) {
    throw new ApiError(response.status, body?.title ?? `HTTP ${response.status}`, body?.detail);
  }
  if (body === null) throw new ApiError(response.status, "not JSON", `${path} answered ${type || "no content type"}`);
  return body as T;
}

/** A paged list: `{items, next}`. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

export const enc = encodeURIComponent;
