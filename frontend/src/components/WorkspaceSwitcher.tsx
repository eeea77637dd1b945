import { useSwitchWorkspace } from "../api/useSwitchWorkspace";
import { useWorkspaces } from "../api/useWorkspaces";

/** The current workspace, and a menu to switch to another one the user belongs to. */
export function WorkspaceSwitcher() {
  const workspaces = useWorkspaces();
  const switchTo = useSwitchWorkspace();
  const choices = workspaces.data ?? [];
  const current = choices.find((choice) => choice.current);
  if (choices.length === 0) return null;
  const focus = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white";
  return (
    <label className="flex items-center gap-2 text-sm text-slate-200">
      <span className="sr-only 2xl:not-sr-only">Workspace</span>
      <select
        data-testid="workspace-switcher"
        className={`max-w-64 rounded-md border border-slate-600 bg-slate-800 px-2 py-1 text-sm text-white ${focus}`}
        value={current?.slug ?? ""}
        disabled={switchTo.isPending}
        onChange={(event) => switchTo.mutate(event.target.value)}
      >
        {choices.map((choice) => (
          <option key={choice.slug} value={choice.slug}>
            {choice.name} ({choice.role})
          </option>
        ))}
      </select>
      {switchTo.isError ? (
        <span role="alert" className="text-xs text-red-300">
          {switchTo.error.message}
        </span>
      ) : null}
    </label>
  );
}
