import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { chartColors } from "../lib/chartColors";
import { formatCompact } from "../lib/formatCompact";
import { ExactTooltip, type TooltipSeries } from "./ExactTooltip";

interface BarBreakdownChartProps<Row> {
  rows: readonly Row[];
  label: (row: Row) => string;
  value: TooltipSeries;
  /** More exact values in the tooltip (e.g. share, units). */
  extra?: readonly TooltipSeries[];
  summary: string;
  onSelect?: (row: Row) => void;
  isSelected?: (row: Row) => boolean;
  axisFormat?: (value: number) => string;
}

const LABEL_CHARS = 22;

function shorten(text: string): string {
  return text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1)}…` : text;
}

/** A category label on one line (Recharts would wrap it), the full text in its title. */
function CategoryTick({ x, y, payload }: { x?: number | string; y?: number | string; payload?: { value?: unknown } }) {
  const text = String(payload?.value ?? "");
  return (
    <text x={Number(x)} y={Number(y)} dy={4} textAnchor="end" fontSize={12} fill="#334155">
      <title>{text}</title>
      {shorten(text)}
    </text>
  );
}

/** Horizontal bars, one per category, largest first; a click drills down to the category. */
export function BarBreakdownChart<Row>({
  rows,
  label,
  value,
  extra = [],
  summary,
  onSelect,
  isSelected,
  axisFormat = formatCompact,
}: BarBreakdownChartProps<Row>) {
  const data = rows.map((row) => ({ ...(row as object), __label: label(row), __row: row }));
  const numberOf = (entry: unknown) => Number((entry as Record<string, unknown>)[value.key] ?? 0);
  const hasNegative = data.some((entry) => numberOf(entry) < 0);
  const height = Math.max(120, data.length * 28 + 36);
  return (
    <div role="img" aria-label={summary} style={{ height }} className="w-full">
      <BarChart
        responsive
        layout="vertical"
        data={data}
        style={{ width: "100%", height: "100%" }}
        margin={{ top: 4, right: 16, bottom: 0, left: 0 }}
        accessibilityLayer={false}
      >
        <CartesianGrid stroke={chartColors.grid} horizontal={false} />
        <XAxis
          type="number"
          domain={[(low: number) => Math.min(0, low), (high: number) => Math.max(0, high)]}
          tickFormatter={axisFormat}
          tick={{ fontSize: 12, fill: "#475569" }}
        />
        <YAxis type="category" dataKey="__label" width={150} interval={0} tick={CategoryTick} />
        <Tooltip
          cursor={{ fill: "#eff6ff" }}
          content={({ active, payload }) => (
            <ExactTooltip
              active={active}
              payload={payload}
              title={(row) => String(row.__label)}
              series={[value, ...extra]}
            />
          )}
        />
        {hasNegative ? <ReferenceLine x={0} stroke={chartColors.neutral} /> : null}
        <Bar
          dataKey={numberOf}
          name={value.label}
          fill={value.color}
          isAnimationActive={false}
          cursor={onSelect ? "pointer" : undefined}
          onClick={onSelect ? (item) => onSelect((item.payload as { __row: Row }).__row) : undefined}
        >
          {data.map((entry, index) => (
            <Cell
              key={index}
              fill={
                isSelected?.(entry.__row)
                  ? chartColors.secondary
                  : numberOf(entry) < 0
                    ? chartColors.negative
                    : value.color
              }
            />
          ))}
        </Bar>
      </BarChart>
    </div>
  );
}
