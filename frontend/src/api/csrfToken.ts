import type { components } from "./schema";

type Csrf = components["schemas"]["Csrf"];

function cookie(name: string): string | null {
  for (const part of document.cookie.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return null;
}

/** The CSRF token Django expects as X-CSRFToken on unsafe requests. Read from the
 * `csrftoken` cookie each time (Django rotates it at login); fetched when absent. */
export async function csrfToken(): Promise<string> {
  const fromCookie = cookie("csrftoken");
  if (fromCookie) return fromCookie;
  const response = await fetch("/api/auth/csrf/", {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  const body = (await response.json()) as Csrf;
  return cookie("csrftoken") ?? body.csrf_token;
}
