import { useCsrfToken } from "../api/useCsrfToken";
import type { SignOnProvider } from "../api/useSignInOptions";

/** A button that starts single sign-on with one provider: allauth wants a POST with the CSRF
 * token (a GET could be forged by any page), so it is a real form, and the browser leaves for
 * the provider and comes back to `next` signed in. */
export function SignOnButton({ provider, next }: { provider: SignOnProvider; next: string }) {
  const csrf = useCsrfToken();
  return (
    <form method="post" action={provider.login_url}>
      <input type="hidden" name="csrfmiddlewaretoken" value={csrf.data ?? ""} />
      <input type="hidden" name="process" value="login" />
      <input type="hidden" name="next" value={next} />
      <button
        type="submit"
        data-testid={`sign-on-${provider.id}`}
        disabled={!csrf.data}
        className="w-full rounded-md border border-slate-300 bg-white px-4 py-2 font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700 disabled:opacity-60"
      >
        Sign in with {provider.name}
      </button>
    </form>
  );
}
