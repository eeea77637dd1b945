import { Link } from "react-router";
import { PageHeader } from "../components/PageHeader";

/** Any path the dashboard does not know. */
export function NotFoundPage() {
  return (
    <div className="space-y-3">
      <PageHeader title="Page not found" description="There is no dashboard page at this address." />
      <Link to="/" className="text-blue-700 underline">
        Go to the overview
      </Link>
    </div>
  );
}
