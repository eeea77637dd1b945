import { BreakdownView } from "../components/BreakdownView";

/** Sales by genre. */
export function GenresPage() {
  return <BreakdownView dimension="genre" />;
}
