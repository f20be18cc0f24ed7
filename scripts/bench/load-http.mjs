// HTTP load generator of the bench (S1, S4, S7): autocannon under Node, where it spends about half
// the CPU per request it does under Bun, leaving more of the 2 cores to the server under test.
// `node load-http.mjs <file>`, the file holding `{ url, paths, headers?, connections, seconds, warmupSeconds, phase }`
// (headers: sent with every request, e.g. a signed-in reader's authorization).
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const emit = (line) => console.log(JSON.stringify(line))

// Across the warm-up and the measured run: a path list longer than both never repeats.
let next = 0

function run(seconds) {
  const paths = config.paths ?? ['/']
  return autocannon({
    url: config.url,
    connections: config.connections,
    duration: seconds,
    headers: config.headers ?? {},
    // Each request takes the next path, so a page set is spread across connections.
    requests: [{ setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] }) }],
  })
}

if (config.warmupSeconds > 0) await run(config.warmupSeconds)
emit({ type: 'begin', phase: config.phase })
const result = await run(config.seconds)
emit({
  type: 'end',
  phase: config.phase,
  result: {
    achieved: result.requests.total / (result.duration || config.seconds),
    latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    errors: result.errors + result.timeouts + result.non2xx,
    bytesPerResponse: result.requests.total === 0 ? 0 : Math.round(result.throughput.total / result.requests.total),
    requests: result.requests.total,
  },
})
