import { useState } from "react";
import { NavLink, useLocation, useNavigate } from "react-router";
import { useLogout } from "../api/useLogout";
import type { CurrentUser } from "../api/useMe";
import { WorkspaceSwitcher } from "./WorkspaceSwitcher";

const LINKS = [
  { to: "/", label: "Overview", id: "overview" },
  { to: "/books", label: "Books", id: "books" },
  { to: "/regions", label: "Regions", id: "regions" },
  { to: "/genres", label: "Genres", id: "genres" },
  { to: "/finance", label: "Finance", id: "finance" },
  { to: "/statement", label: "Statement", id: "statement" },
  { to: "/pipeline", label: "Pipeline", id: "pipeline" },
  { to: "/alerts", label: "Alerts", id: "alerts" },
  { to: "/settings", label: "Settings", id: "settings" },
] as const;
// Pages for the workspace's admins only (the API refuses the others anyway).
const ADMIN_LINKS = [
  { to: "/members", label: "Members", id: "members" },
  { to: "/history", label: "History", id: "history" },
  { to: "/webhooks", label: "Webhooks", id: "webhooks" },
] as const;

/** The top navigation: every page, the user's name and Logout; a menu button on small screens. */
export function TopNav({ user }: { user: CurrentUser | undefined }) {
  const [open, setOpen] = useState(false);
  const location = useLocation();
  const navigate = useNavigate();
  const logout = useLogout();
  // A new page closes the menu: adjusted while rendering (React's pattern for state that
  // follows a changing value), not in an effect that would draw the open menu once more.
  const [menuPath, setMenuPath] = useState(location.pathname);
  if (menuPath !== location.pathname) {
    setMenuPath(location.pathname);
    setOpen(false);
  }

  const onLogout = () => logout.mutate(undefined, { onSettled: () => navigate("/login", { replace: true }) });

  const focus = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white";
  return (
    <header className="bg-slate-900 text-white" data-export-ignore="">
      <nav aria-label="Main" className="mx-auto flex max-w-[1440px] flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2">
        <NavLink to="/" className={`mr-2 text-lg font-bold tracking-tight ${focus}`}>
          Folio
        </NavLink>
        <button
          type="button"
          className={`ml-auto rounded-md border border-slate-600 px-3 py-1 text-sm md:hidden ${focus}`}
          aria-expanded={open}
          aria-controls="main-menu"
          onClick={() => setOpen((value) => !value)}
        >
          Menu
        </button>
        <div
          id="main-menu"
          className={`${open ? "flex" : "hidden"} w-full flex-col gap-2 md:flex md:w-auto md:flex-1 md:flex-row md:items-center`}
        >
          <ul className="flex flex-col gap-1 md:flex-row md:flex-wrap md:gap-1">
            {[...LINKS, ...(user?.role === "admin" ? ADMIN_LINKS : [])].map((link) => (
              <li key={link.id}>
                <NavLink
                  to={link.to}
                  end={link.to === "/"}
                  data-testid={`nav-${link.id}`}
                  className={({ isActive }) =>
                    `block rounded-md px-3 py-1.5 text-sm font-medium ${focus} ${
                      isActive ? "bg-slate-700 text-white" : "text-slate-200 hover:bg-slate-800 hover:text-white"
                    }`
                  }
                >
                  {link.label}
                </NavLink>
              </li>
            ))}
          </ul>
          <div className="flex items-center gap-3 md:ml-auto">
            <WorkspaceSwitcher />
            <span className="text-sm text-slate-200" data-testid="current-user">
              {user ? (
                <>
                  {user.username}
                  {user.is_staff ? <span className="ml-1 text-xs text-slate-400">(staff)</span> : null}
                </>
              ) : (
                "…"
              )}
            </span>
            <button
              type="button"
              data-testid="logout"
              onClick={onLogout}
              disabled={logout.isPending}
              className={`rounded-md border border-slate-500 px-3 py-1 text-sm hover:bg-slate-800 ${focus}`}
            >
              Logout
            </button>
          </div>
        </div>
      </nav>
    </header>
  );
}
