/** Marks the page not fully drawn (body[data-ready="false"]) the moment the URL changes:
 * pushState/replaceState (router navigations) and popstate (back/forward). A page whose
 * code is still loading keeps the previous view on screen for a moment, and a test or a
 * benchmark must not take that view for the new one; PageReadinessProvider sets "true"
 * again once the new page's panels have drawn. */
export function markNavigationUnready(): void {
  const unready = () => {
    document.body.dataset.ready = "false";
  };
  for (const method of ["pushState", "replaceState"] as const) {
    const original = window.history[method].bind(window.history);
    window.history[method] = (...args: Parameters<History["pushState"]>) => {
      unready();
      original(...args);
    };
  }
  window.addEventListener("popstate", unready);
}
