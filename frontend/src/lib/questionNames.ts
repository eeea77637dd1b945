/** The catalogue's questions a member may watch or receive, as the API names them (every
 * answer of the catalogue but the filter options). */
export const QUESTION_NAMES = [
  "summary",
  "timeseries",
  "sales-by-region",
  "sales-by-genre",
  "top-books",
  "finance/top-budget",
  "finance/top-roi",
  "finance/fund-table",
  "finance/revenue-expenses",
  "finance/net-profit",
  "statement/profit",
  "statement/operating",
  "statement/expenses-by-poste",
  "statement/exceptional-charges",
  "statement/financial-income",
] as const;
