import { useEffect, useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../api/ApiError";
import { useLogin } from "../api/useLogin";
import { useSignInOptions } from "../api/useSignInOptions";
import { SignOnButton } from "../components/SignOnButton";
import { safeNext } from "../lib/safeNext";

const fieldClass =
  "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600";

/** The sign-in page: a button per single sign-on provider and, unless switched off, the password
 * form; afterwards the reader returns to ?next= (a local path) or the overview. */
export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const login = useLogin();
  const options = useSignInOptions();
  const next = safeNext(params.get("next"));
  const providers = options.data?.providers ?? [];
  // Without an answer (an old server, a network error) the password form is still offered.
  const passwordShown = options.isError || options.data?.password === true;
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");

  useEffect(() => {
    document.title = "Sign in · Folio";
    document.body.dataset.ready = "true";
    return () => {
      document.body.dataset.ready = "false";
    };
  }, []);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ username, password }, { onSuccess: () => navigate(next, { replace: true }) });
  };

  const error = login.error instanceof ApiError ? login.error.detail : login.error ? "Sign-in failed." : null;
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-100 px-4">
      <div className="w-full max-w-sm space-y-4 rounded-xl bg-white p-6 shadow-md">
        <div>
          <h1 className="text-2xl font-bold tracking-tight text-slate-900">Folio</h1>
          <p className="text-sm text-slate-600">Sign in to the analytics dashboard.</p>
        </div>
        {providers.length > 0 ? (
          <div className="space-y-2" data-testid="sign-on-providers">
            {providers.map((provider) => (
              <SignOnButton key={provider.id} provider={provider} next={next} />
            ))}
          </div>
        ) : null}
        {providers.length > 0 && passwordShown ? (
          <p className="text-center text-xs tracking-wide text-slate-500 uppercase">or</p>
        ) : null}
        {passwordShown ? (
          <form onSubmit={onSubmit} className="space-y-4" noValidate data-testid="login-form">
            <div>
              <label htmlFor="login-username" className="block text-sm font-medium text-slate-700">
                Username
              </label>
              <input
                id="login-username"
                data-testid="login-username"
                name="username"
                autoComplete="username"
                required
                className={fieldClass}
                value={username}
                onChange={(event) => setUsername(event.target.value)}
              />
            </div>
            <div>
              <label htmlFor="login-password" className="block text-sm font-medium text-slate-700">
                Password
              </label>
              <input
                id="login-password"
                data-testid="login-password"
                name="password"
                type="password"
                autoComplete="current-password"
                required
                className={fieldClass}
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            </div>
            {error ? (
              <p role="alert" data-testid="login-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
                {error}
              </p>
            ) : null}
            <button
              type="submit"
              data-testid="login-submit"
              disabled={login.isPending}
              className="w-full rounded-md bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700 disabled:opacity-60"
            >
              {login.isPending ? "Signing in…" : "Sign in"}
            </button>
          </form>
        ) : null}
      </div>
    </main>
  );
}
