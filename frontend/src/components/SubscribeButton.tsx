import { Link, useLocation } from "react-router";
import { isReportPage, subscribeLink } from "../lib/reportPages";

/** On a dashboard page a report can deliver: a link to the Reports page with a new report of
 * this page, its current filters filled in. Nothing on the other pages. */
export function SubscribeButton() {
  const { pathname, search } = useLocation();
  if (!isReportPage(pathname)) return null;
  return (
    <Link
      to={subscribeLink(pathname, search)}
      data-testid="subscribe"
      data-export-ignore=""
      title="Get this page with these filters by email, on a schedule"
      className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
    >
      Subscribe
    </Link>
  );
}
