const units = ["bytes", "kB", "MB", "GB"] as const;

/** A file's size as people read it: "840 bytes", "12.4 kB", "3.1 MB" (powers of 1,000). */
export function formatBytes(size: number | null | undefined): string {
  if (size === null || size === undefined) return "—";
  let value = size;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} ${units[0]}` : `${value.toFixed(1)} ${units[unit]}`;
}
