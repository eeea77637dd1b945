/** Chart colours (hex: SVG fills, readable on white, distinct for colour-blind readers). */
export const chartColors = {
  primary: "#2563eb",
  secondary: "#d97706",
  positive: "#059669",
  negative: "#dc2626",
  neutral: "#64748b",
  grid: "#e2e8f0",
} as const;
