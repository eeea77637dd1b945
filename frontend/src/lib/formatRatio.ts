import { formatDecimal } from "./formatDecimal";

/** Moves the decimal point of a decimal string `places` to the right, exactly. */
function shiftDecimal(value: string, places: number): string {
  const negative = value.startsWith("-");
  const digits = negative || value.startsWith("+") ? value.slice(1) : value;
  const [whole = "0", fraction = ""] = digits.split(".");
  const padded = fraction.padEnd(places, "0");
  const integer = `${whole}${padded.slice(0, places)}`.replace(/^0+(?=\d)/, "");
  const rest = padded.slice(places);
  return `${negative ? "-" : ""}${integer}${rest ? `.${rest}` : ""}`;
}

/** A ratio string with four places ("0.1234") as a percentage ("12.34 %"), exactly. */
export function formatRatio(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  const percent = shiftDecimal(value, 2);
  const places = percent.includes(".") ? (percent.split(".")[1]?.length ?? 0) : 0;
  return `${formatDecimal(percent, places)} %`;
}

/** A change ratio with its sign ("+12.34 %", "−3.10 %"). */
export function formatChange(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  const text = formatRatio(value);
  if (value.startsWith("-")) return text.replace("-", "−");
  return /[1-9]/.test(value) ? `+${text}` : text;
}

/** The percentage as a number, for drawing bars and axes only. */
export function ratioToPercent(value: string | null | undefined): number {
  return value ? Number(shiftDecimal(value, 2)) : 0;
}
