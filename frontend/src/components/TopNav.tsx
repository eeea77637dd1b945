import { useEffect, useRef, useState } from "react";
import { matchPath, NavLink, useLocation, useNavigate } from "react-router";
import { useLogout } from "../api/useLogout";
import type { CurrentUser } from "../api/useMe";
import { WorkspaceSwitcher } from "./WorkspaceSwitcher";

interface NavEntry {
  to: string;
  label: string;
  id: string;
}

const PAGES: readonly NavEntry[] = [
  { to: "/", label: "Overview", id: "overview" },
  { to: "/books", label: "Books", id: "books" },
  { to: "/regions", label: "Regions", id: "regions" },
  { to: "/genres", label: "Genres", id: "genres" },
  { to: "/finance", label: "Finance", id: "finance" },
  { to: "/statement", label: "Statement", id: "statement" },
  { to: "/pipeline", label: "Pipeline", id: "pipeline" },
];
// What Folio sends out, and the admins' pages, each in one menu: side by side with the
// dashboard pages they wrapped the bar onto a second line at 1280–1440 px.
const OUTREACH: readonly NavEntry[] = [
  { to: "/alerts", label: "Alerts", id: "alerts" },
  { to: "/reports", label: "Reports", id: "reports" },
];
const SETTINGS: NavEntry = { to: "/settings", label: "Settings", id: "settings" };
// Pages for the workspace's admins only (the API refuses the others anyway).
const WEBHOOKS: NavEntry = { to: "/webhooks", label: "Webhooks", id: "webhooks" };
const ADMIN_LINKS: readonly NavEntry[] = [
  { to: "/members", label: "Members", id: "members" },
  { to: "/history", label: "History", id: "history" },
];

const focus = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white";
// Narrower items up to 1536 px, so that an admin's bar holds on one line from 1280 px.
const itemClass = `block rounded-md px-3 py-1.5 text-sm font-medium md:px-2 2xl:px-3 ${focus}`;
const activeClass = "bg-slate-700 text-white";
const idleClass = "text-slate-200 hover:bg-slate-800 hover:text-white";

function NavItem({ link }: { link: NavEntry }) {
  return (
    <NavLink
      to={link.to}
      end={link.to === "/"}
      data-testid={`nav-${link.id}`}
      className={({ isActive }) => `${itemClass} ${isActive ? activeClass : idleClass}`}
    >
      {link.label}
    </NavLink>
  );
}

/** A menu button with its links below: a dropdown from md up, an indented list in the
 * small screens' menu. It closes on navigation, on a click elsewhere and on Escape. */
function NavGroup({ id, label, links }: { id: string; label: string; links: readonly NavEntry[] }) {
  const [open, setOpen] = useState(false);
  const location = useLocation();
  const item = useRef<HTMLLIElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const [groupPath, setGroupPath] = useState(location.pathname);
  if (groupPath !== location.pathname) {
    setGroupPath(location.pathname);
    setOpen(false);
  }
  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!item.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);
  const active = links.some((link) => matchPath(link.to, location.pathname) !== null);
  return (
    <li ref={item} className="relative">
      <button
        ref={button}
        type="button"
        data-testid={`nav-group-${id}`}
        aria-expanded={open}
        aria-controls={`nav-group-${id}-links`}
        onClick={() => setOpen((value) => !value)}
        className={`${itemClass} w-full text-left ${active ? activeClass : idleClass}`}
      >
        {label} <span aria-hidden="true">▾</span>
      </button>
      <ul
        id={`nav-group-${id}-links`}
        className={`${open ? "flex" : "hidden"} flex-col gap-1 pl-4 md:absolute md:top-full md:left-0 md:z-20 md:mt-1 md:min-w-40 md:rounded-md md:bg-slate-900 md:p-1 md:shadow-lg md:ring-1 md:ring-slate-700`}
      >
        {links.map((link) => (
          <li key={link.id}>
            <NavItem link={link} />
          </li>
        ))}
      </ul>
    </li>
  );
}

/** The top navigation: every page (what Folio sends out, and the admins' pages, grouped in
 * menus), the user's name and Logout; a menu button on small screens. */
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
  const admin = user?.role === "admin";
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
            {PAGES.map((link) => (
              <li key={link.id}>
                <NavItem link={link} />
              </li>
            ))}
            <NavGroup id="outreach" label="Outreach" links={admin ? [...OUTREACH, WEBHOOKS] : OUTREACH} />
            <li>
              <NavItem link={SETTINGS} />
            </li>
            {admin ? <NavGroup id="admin" label="Admin" links={ADMIN_LINKS} /> : null}
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
