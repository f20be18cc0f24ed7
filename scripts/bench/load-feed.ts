// S7's fan-out generator: signed-in sockets of the popular author's followers, each subscribed to
// its own `user:<id>` topic; the author posts over REST, one post at a time, and each socket should
// then receive the ephemeral event `feed.post` with `{ postId, authorId }`. A receipt's latency
// runs from just before the POST to the event's arrival, in this process. A post waits at most
// `waitSeconds` for its events; when the first post brings none at all, Souk does not send them
// (yet), and the phase ends reporting nothing received rather than waiting out every post.
import { readFileSync } from 'node:fs'
import { latencyOf } from './proc'

interface Config {
  sockets: { url: string; userId: string }[]
  /** Souk's base URL and the author's access token, for the POSTs. */
  url: string
  authorToken: string
  posts: number
  waitSeconds: number
}

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Config
const emit = (line: Record<string, unknown>) => console.log(JSON.stringify(line))

/** When each socket received `feed.post` of each post: post id → socket index → time. */
const receipts = new Map<string, Map<number, number>>()
let errors = 0
let measuring = false

function connect(index: number, spec: Config['sockets'][number]): Promise<void> {
  const ws = new WebSocket(spec.url)
  ws.addEventListener('close', () => {
    if (measuring) errors++
  })
  return new Promise((resolve, reject) => {
    ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'subscribe', topic: `user:${spec.userId}` })))
    ws.addEventListener('close', (event) => reject(new Error(`socket closed while connecting: ${event.code}`)), { once: true })
    ws.addEventListener('message', (event) => {
      const text = String(event.data)
      // Other frames (notifications, presence, pongs) are not this measure's business.
      if (text.includes('"type":"subscribed"')) return resolve()
      if (!text.includes('"kind":"feed.post"')) return
      const frame = JSON.parse(text) as { topic: string; data: { postId: string; authorId: string } }
      if (frame.topic !== `user:${spec.userId}`) return void errors++
      let seen = receipts.get(frame.data.postId)
      if (seen === undefined) receipts.set(frame.data.postId, (seen = new Map()))
      // A second copy to one socket is an error, not a receipt.
      if (seen.has(index)) errors++
      else seen.set(index, performance.now())
    })
  })
}

// Connect in waves: a burst of thousands of handshakes at once only measures the accept queue.
for (let i = 0; i < config.sockets.length; i += 100) await Promise.all(config.sockets.slice(i, i + 100).map((spec, j) => connect(i + j, spec)))

const latencies: number[] = []
let posted = 0
let received = 0
let postErrors = 0
measuring = true
emit({ type: 'begin', phase: 'fan-out' })
for (let n = 0; n < config.posts; n++) {
  const started = performance.now()
  const response = await fetch(`${config.url}/api/v1/posts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.authorToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ body: `Fresh arrivals at the bench shop, post ${n + 1} #newin`, privacy: 'public' }),
  })
  if (response.status !== 201) {
    postErrors++
    console.error(`load-feed: POST /api/v1/posts answered ${response.status}: ${(await response.text()).slice(0, 300)}`)
    continue
  }
  const { id } = (await response.json()) as { id: string }
  posted++
  const deadline = started + config.waitSeconds * 1000
  while ((receipts.get(id)?.size ?? 0) < config.sockets.length && performance.now() < deadline) await Bun.sleep(5)
  const seen = receipts.get(id) ?? new Map<number, number>()
  for (const at of seen.values()) latencies.push(at - started)
  received += seen.size
  // None at all: the server sends no feed.post events; waiting out the other posts would tell nothing more.
  if (seen.size === 0) break
}
const result = { posted, sockets: config.sockets.length, expected: posted * config.sockets.length, received, errors: errors + postErrors, latency: latencyOf(latencies) }
emit({ type: 'end', phase: 'fan-out', result })
measuring = false
process.exit(0)
