// S6's generator: an admin reads the dashboard's range, `concurrency` requests in flight at a time,
// until `requests` answers per phase (after `warmup` unmeasured ones). Every answer is checked: a
// 200 whose figures hold the generated sales (orders > 0, one chart point per day, top shops, today
// counted live); anything else counts as an error, and the first is printed, so a broken route
// cannot pass for a fast one.
import { readFileSync } from 'node:fs'
import { latencyOf } from './proc'

interface Config {
  url: string
  token: string
  path: string
  /** Chart points the answer must have (days in the range). */
  days: number
  warmup: number
  phases: { name: string; concurrency: number; requests: number }[]
}

interface Answer {
  ok: boolean
  orders: number
  ms: number
}

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Config
const emit = (line: Record<string, unknown>) => console.log(JSON.stringify(line))

let reported = false
async function read(): Promise<Answer> {
  const started = performance.now()
  const response = await fetch(`${config.url}${config.path}`, { headers: { authorization: `Bearer ${config.token}` } })
  const text = await response.text()
  const ms = performance.now() - started
  let orders = 0
  let ok = false
  if (response.status === 200) {
    const body = JSON.parse(text) as { current: { orders: number; gmv: number }; series: unknown[]; topShops: unknown[]; live: boolean }
    orders = body.current.orders
    ok = orders > 0 && body.current.gmv > 0 && body.series.length === config.days && body.topShops.length > 0 && body.live
  }
  if (!ok && !reported) {
    reported = true
    console.error(`load-dashboard: GET ${config.path} answered ${response.status}: ${text.slice(0, 500)}`)
  }
  return { ok, orders, ms }
}

/** `requests` reads, `concurrency` at a time. */
async function run(concurrency: number, requests: number): Promise<Answer[]> {
  const answers: Answer[] = []
  let started = 0
  const worker = async () => {
    while (started < requests) {
      started++
      answers.push(await read())
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return answers
}

/** Nearest-rank percentile, as latencyOf takes them. */
const percentile = (values: number[], q: number) => {
  const sorted = Float64Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
}

await run(1, config.warmup)
for (const phase of config.phases) {
  emit({ type: 'begin', phase: phase.name })
  const start = performance.now()
  const answers = await run(phase.concurrency, phase.requests)
  const seconds = (performance.now() - start) / 1000
  const ms = answers.map((a) => a.ms)
  emit({
    type: 'end',
    phase: phase.name,
    result: {
      achieved: answers.length / seconds,
      latency: latencyOf(ms),
      p95: percentile(ms, 0.95),
      errors: answers.filter((a) => !a.ok).length,
      orders: Math.max(...answers.map((a) => a.orders)),
      requests: answers.length,
    },
  })
}
process.exit(0)
