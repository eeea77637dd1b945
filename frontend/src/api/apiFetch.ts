import { ApiError } from "./ApiError";
import { csrfToken } from "./csrfToken";

export interface ApiFetchInit {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  body?: unknown;
  signal?: AbortSignal;
}

interface ErrorBody {
  detail?: unknown;
  errors?: Record<string, string[]>;
}

function errorFrom(status: number, statusText: string, body: unknown): ApiError {
  const shaped = (body ?? {}) as ErrorBody;
  const detail =
    typeof shaped.detail === "string" && shaped.detail
      ? shaped.detail
      : `The server answered ${status}${statusText ? ` ${statusText}` : ""}.`;
  return new ApiError(status, detail, shaped.errors ?? {});
}

/** Calls the API with the session cookie (same origin) and, on unsafe methods, the CSRF
 * header; returns the JSON body or throws an ApiError carrying the API's `detail`. */
export async function apiFetch<T>(path: string, init: ApiFetchInit = {}): Promise<T> {
  const method = init.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRFToken"] = await csrfToken();
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: "same-origin",
      signal: init.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "The server could not be reached. Check your connection and retry.");
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) throw errorFrom(response.status, response.statusText, body);
  return body as T;
}
