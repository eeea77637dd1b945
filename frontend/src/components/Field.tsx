import type { ReactNode } from "react";

/** A labelled form control of fixed width, for forms that wrap their fields in rows. */
export function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="w-56">
      <label htmlFor={id} className="block text-xs font-medium text-slate-700">
        {label}
      </label>
      {children}
    </div>
  );
}
