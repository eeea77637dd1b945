import { BreakdownView } from "../components/BreakdownView";

/** Sales by region. */
export function RegionsPage() {
  return <BreakdownView dimension="region" />;
}
