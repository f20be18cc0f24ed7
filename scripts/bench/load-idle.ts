// S3's generator: opens many signed-in sockets (a bounded number of handshakes in flight), each
// following its user's `user:<id>` topic as the web client does (a socket counts as connected once
// subscribed), holds them open and quiet (Bun answers the server's pings), then reports how many
// are still open.
import { readFileSync } from 'node:fs'
import { latencyOf } from './proc'

interface Config {
  sockets: { url: string; userId: string }[]
  holdSeconds: number
  /** Handshakes in flight at once. */
  concurrency: number
}

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Config
const emit = (line: Record<string, unknown>) => console.log(JSON.stringify(line))

const open: WebSocket[] = []
const connectMs: number[] = []
let failed = 0
let dropped = 0

function connect({ url, userId }: Config['sockets'][number]): Promise<void> {
  const started = performance.now()
  const ws = new WebSocket(url)
  return new Promise((resolve) => {
    ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'subscribe', topic: `user:${userId}` })))
    const subscribed = (event: MessageEvent) => {
      const text = String(event.data)
      if (!text.includes('"type":"subscribed"') && !text.includes('"type":"error"')) return
      ws.removeEventListener('message', subscribed)
      if (text.includes('"type":"error"')) {
        failed++
        ws.close()
        return resolve()
      }
      connectMs.push(performance.now() - started)
      open.push(ws)
      ws.addEventListener('close', () => dropped++)
      resolve()
    }
    ws.addEventListener('message', subscribed)
    ws.addEventListener('error', () => {
      if (ws.readyState === WebSocket.OPEN) return // a drop, counted on close
      failed++
      resolve()
    })
  })
}

emit({ type: 'begin', phase: 'connect' })
const start = performance.now()
let next = 0
await Promise.all(
  Array.from({ length: config.concurrency }, async () => {
    while (next < config.sockets.length) await connect(config.sockets[next++]!)
  }),
)
const seconds = (performance.now() - start) / 1000
emit({ type: 'end', phase: 'connect', result: { opened: open.length, failed, seconds, rate: open.length / seconds, latency: latencyOf(connectMs) } })

emit({ type: 'begin', phase: 'hold' })
await Bun.sleep(config.holdSeconds * 1000)
emit({ type: 'end', phase: 'hold', result: { held: open.length - dropped, dropped } })
// Exiting closes every socket at once; the server sees them go.
process.exit(0)
