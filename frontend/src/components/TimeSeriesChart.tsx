import { Bar, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { chartColors } from "../lib/chartColors";
import { formatBucket } from "../lib/formatDate";
import { formatCompact } from "../lib/formatCompact";
import { ExactTooltip } from "./ExactTooltip";

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
  type: "bar" | "line";
  /** A second scale on the right for a measure of another size (units beside revenue). */
  axis?: "left" | "right";
  format: (exact: string) => string;
}

interface TimeSeriesChartProps {
  rows: readonly { bucket: string }[];
  series: readonly ChartSeries[];
  granularity: string;
  /** The text alternative: what the chart shows, in a sentence or two. */
  summary: string;
  height?: number;
}

function numberAt(row: unknown, key: string): number {
  return Number((row as Record<string, unknown>)[key] ?? 0);
}

/** Values per time bucket as bars and/or lines; the tooltip shows the exact values. */
export function TimeSeriesChart({ rows, series, granularity, summary, height = 280 }: TimeSeriesChartProps) {
  const hasNegative = rows.some((row) => series.some((item) => numberAt(row, item.key) < 0));
  const hasRight = series.some((item) => item.axis === "right");
  return (
    <div role="img" aria-label={summary} style={{ height }} className="w-full">
      <ComposedChart
        responsive
        data={rows as { bucket: string }[]}
        style={{ width: "100%", height: "100%" }}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        accessibilityLayer={false}
      >
        <CartesianGrid stroke={chartColors.grid} vertical={false} />
        <XAxis
          dataKey="bucket"
          tickFormatter={(value: string) => formatBucket(value, granularity)}
          minTickGap={20}
          tick={{ fontSize: 12, fill: "#475569" }}
        />
        <YAxis yAxisId="left" tickFormatter={formatCompact} width={56} tick={{ fontSize: 12, fill: "#475569" }} />
        {hasRight ? (
          <YAxis
            yAxisId="right"
            orientation="right"
            tickFormatter={formatCompact}
            width={48}
            tick={{ fontSize: 12, fill: "#475569" }}
          />
        ) : null}
        <Tooltip
          content={({ active, payload }) => (
            <ExactTooltip
              active={active}
              payload={payload}
              title={(row) => formatBucket(String(row.bucket), granularity)}
              series={series}
            />
          )}
        />
        {series.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
        {hasNegative ? <ReferenceLine yAxisId="left" y={0} stroke={chartColors.neutral} /> : null}
        {series.map((item) =>
          item.type === "bar" ? (
            <Bar
              key={item.key}
              yAxisId={item.axis ?? "left"}
              name={item.label}
              dataKey={(row: unknown) => numberAt(row, item.key)}
              fill={item.color}
              isAnimationActive={false}
            />
          ) : (
            <Line
              key={item.key}
              yAxisId={item.axis ?? "left"}
              name={item.label}
              type="linear"
              dataKey={(row: unknown) => numberAt(row, item.key)}
              stroke={item.color}
              strokeWidth={2}
              dot={rows.length <= 24}
              isAnimationActive={false}
            />
          ),
        )}
      </ComposedChart>
    </div>
  );
}
