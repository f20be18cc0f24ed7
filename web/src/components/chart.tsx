import { For } from 'solid-js'

export interface ChartPoint {
  label: string
  value: number
}

const W = 560
const H = 200
const PAD = { top: 12, right: 8, bottom: 26, left: 36 }

/** "Nice" axis maximum: 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (value <= 0) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  const step = [1, 2, 5, 10].find((m) => m * power >= value) ?? 10
  return step * power
}

/**
 * A bar chart in plain SVG (no chart library: a few stats do not justify 40 KB). It scales with its
 * container; the summary in aria-label is what a screen reader announces.
 */
export function BarChart(props: { title: string; data: ChartPoint[]; format?: (value: number) => string }) {
  const format = (v: number) => (props.format ?? String)(v)
  const max = () => niceMax(Math.max(0, ...props.data.map((d) => d.value)))
  const plotW = W - PAD.left - PAD.right
  const plotH = H - PAD.top - PAD.bottom
  const band = () => plotW / Math.max(1, props.data.length)
  const y = (v: number) => PAD.top + plotH - (v / max()) * plotH
  const summary = () => `${props.title}: ${props.data.map((d) => `${d.label} ${format(d.value)}`).join(', ')}`
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary()}>
      <For each={[0, 0.5, 1]}>
        {(f) => (
          <>
            <line class="chart__grid" x1={PAD.left} x2={W - PAD.right} y1={y(max() * f)} y2={y(max() * f)} />
            <text class="chart__label" x={PAD.left - 6} y={y(max() * f) + 4} text-anchor="end">
              {format(max() * f)}
            </text>
          </>
        )}
      </For>
      <For each={props.data}>
        {(d, i) => (
          <g>
            <rect class="chart__bar" x={PAD.left + i() * band() + band() * 0.18} width={band() * 0.64} y={y(d.value)} height={Math.max(0, PAD.top + plotH - y(d.value))} rx="4">
              <title>{`${d.label}: ${format(d.value)}`}</title>
            </rect>
            <text class="chart__label" x={PAD.left + i() * band() + band() / 2} y={H - 8} text-anchor="middle">
              {d.label}
            </text>
          </g>
        )}
      </For>
    </svg>
  )
}
