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

/** A request to the server with the sign-in token; network failures and problem bodies as `ApiError`s. */
async function request(url: string, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Accept", "application/json, application/problem+json");
  if (init.body) headers.set("Content-Type", "application/json");
  if (token) headers.set("Authorization", `Bearer ${token}`);
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers });
  } catch (error) {
    throw new ApiError(0, "network error", (error as Error).message);
  }
  if (!response.ok) {
    const body = (response.headers.get("Content-Type") ?? "").includes("json") ? await response.json() : null;
    throw new ApiError(response.status, body?.title ?? `HTTP ${response.status}`, body?.detail);
  }
  return response;
}

async function json<T>(response: Response, path: string): Promise<T> {
  const type = response.headers.get("Content-Type") ?? "";
  if (!type.includes("json")) throw new ApiError(response.status, "not JSON", `${path} answered ${type || "no content type"}`);
  return (await response.json()) as T;
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  return json<T>(await request(`/api/v1${path}`, init), path);
}

/** The EPCIS 2.0 REST binding under /epcis (same sign-in). */
export async function epcis<T>(path: string, init: RequestInit = {}): Promise<T> {
  return json<T>(await request(`/epcis${path}`, init), path);
}

/** `POST /epcis/capture`: the capture job's id, from the 202's `Location`. */
export async function epcisCapture(document: string, behaviour: "rollback" | "proceed"): Promise<string> {
  const response = await request("/epcis/capture", { method: "POST", body: document,
    headers: { "GS1-Capture-Error-Behaviour": behaviour } });
  const location = response.headers.get("Location") ?? "";
  return decodeURIComponent(location.slice(location.lastIndexOf("/") + 1));
}

/** A paged list: `{items, next}`. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

export const enc = encodeURIComponent;
