import { scaleLinear, scalePoint } from 'd3-scale'
import { area, line } from 'd3-shape'
import { For, Show } from 'solid-js'

const W = 320
const H = 96
const PAD = 4

/**
 * A small line chart as plain SVG. d3-scale and d3-shape only compute the scales and the path (pure
 * functions, no DOM), so Solid renders the chart on the server and in the browser alike; canvas
 * chart libraries (uPlot, Chart.js) draw only in a browser. `label` names it for screen readers,
 * and the points are listed in a visually hidden table.
 */
export function LineChart(props: { label: string; points: { x: string; y: number }[]; format: (y: number) => string }) {
  const x = () => scalePoint<string>().domain(props.points.map((p) => p.x)).range([PAD, W - PAD])
  const y = () => scaleLinear().domain([Math.min(0, ...props.points.map((p) => p.y)), Math.max(1, ...props.points.map((p) => p.y))]).nice().range([H - PAD, PAD])
  const path = () => line<{ x: string; y: number }>().x((p) => x()(p.x) ?? 0).y((p) => y()(p.y))(props.points) ?? ''
  const fill = () => area<{ x: string; y: number }>().x((p) => x()(p.x) ?? 0).y0(y()(0)).y1((p) => y()(p.y))(props.points) ?? ''
  return (
    <figure class="line-chart">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={props.label} data-points={props.points.length}>
        <path class="line-chart__area" d={fill()} />
        <path class="line-chart__line" d={path()} />
        <Show when={props.points.length === 1}>
          <circle class="line-chart__dot" cx={x()(props.points[0]!.x) ?? 0} cy={y()(props.points[0]!.y)} r="3" />
        </Show>
      </svg>
      <table class="visually-hidden">
        <caption>{props.label}</caption>
        <tbody>
          <For each={props.points}>
            {(p) => (
              <tr>
                <th scope="row">{p.x}</th>
                <td>{props.format(p.y)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </figure>
  )
}
