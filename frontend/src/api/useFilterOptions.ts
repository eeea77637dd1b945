import { useAnalytics } from "./useAnalytics";

/** What the filters offer (regions, genres, departments, funds, exercices) and the first
 * and last days with data, from finance/initialise. */
export function useFilterOptions() {
  return useAnalytics("finance/initialise", {});
}
