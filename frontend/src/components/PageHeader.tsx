import { useEffect, type ReactNode } from "react";

/** The page's heading and the document title. */
export function PageHeader({ title, description }: { title: string; description?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Folio`;
  }, [title]);
  return (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
      {description ? <p className="mt-1 text-sm text-slate-600">{description}</p> : null}
    </div>
  );
}
