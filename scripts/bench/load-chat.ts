// S2's generator, one phase per process: sockets in pairs (the two participants of a
// conversation), each subscribed to its conversation; every socket sends, and a message counts
// when the OTHER participant receives it. Latency runs from the sender's timestamp (in the body)
// to that receipt, in this process. A phase sends at a fixed offered rate (spread evenly over the
// sockets) or closed-loop (each socket sends its next message once its previous one reached the
// partner). Exiting closes the sockets, so what an overloaded server still queues dies with them.
import { readFileSync } from 'node:fs'
import { latencyOf } from './proc'

interface Config {
  sockets: { url: string; userId: string; conversationId: string }[]
  phase: { name: string; rate: number | null; seconds: number }
  /** How long to wait, after the sending window, for messages still on their way. */
  drainSeconds: number
}

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Config
const emit = (line: Record<string, unknown>) => console.log(JSON.stringify(line))
const { name, rate, seconds } = config.phase

let measuring = false
let sending = false
let sent = 0
let delivered = 0
let errors = 0
let lastDelivery = 0
let duplicates = 0
const seen = new Set<string>()
const latencies: number[] = []

class Participant {
  ws!: WebSocket
  private onSubscribed: (() => void) | null = null
  constructor(readonly index: number, readonly spec: Config['sockets'][number]) {}

  connect(): Promise<void> {
    this.ws = new WebSocket(this.spec.url)
    this.ws.addEventListener('message', (event) => this.receive(String(event.data)))
    this.ws.addEventListener('close', () => {
      if (measuring) errors++
    })
    return new Promise((resolve, reject) => {
      this.ws.addEventListener('open', () => {
        this.ws.send(JSON.stringify({ type: 'subscribe', topic: `conversation:${this.spec.conversationId}` }))
      })
      this.ws.addEventListener('close', (event) => reject(new Error(`socket closed while connecting: ${event.code}`)), { once: true })
      this.onSubscribed = resolve
    })
  }

  send(): void {
    sent++
    const body = `${this.index} ${performance.now().toFixed(3)}`
    this.ws.send(JSON.stringify({ type: 'chat.send', conversationId: this.spec.conversationId, clientId: crypto.randomUUID(), body }))
  }

  private receive(text: string): void {
    // Most frames are acks and the sender's own copy; only parse what may be a partner's message.
    if (!text.includes('"kind":"message"')) {
      if (text.includes('"type":"subscribed"')) this.onSubscribed?.()
      else if (text.includes('"type":"error"')) errors++
      return
    }
    const frame = JSON.parse(text) as { data: { id: string; senderId: string; body: string } }
    if (frame.data.senderId === this.spec.userId) return
    // A message reaches its receiver once: a second copy is an error, not a delivery.
    if (seen.has(frame.data.id)) return void duplicates++
    seen.add(frame.data.id)
    const [from, at] = frame.data.body.split(' ').map(Number) as [number, number]
    const now = performance.now()
    latencies.push(now - at)
    delivered++
    lastDelivery = now
    if (rate === null && sending) participants[from]!.send()
  }
}

const participants = config.sockets.map((spec, i) => new Participant(i, spec))
// Connect in waves: a burst of thousands of handshakes at once only measures the accept queue.
for (let i = 0; i < participants.length; i += 100) await Promise.all(participants.slice(i, i + 100).map((p) => p.connect()))

measuring = true
emit({ type: 'begin', phase: name })
const start = performance.now()
sending = true
if (rate === null) {
  for (const p of participants) p.send()
  await Bun.sleep(seconds * 1000)
} else {
  while (performance.now() < start + seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate)
    while (sent < due) participants[sent % participants.length]!.send()
    await Bun.sleep(1)
  }
}
sending = false
const drainUntil = performance.now() + config.drainSeconds * 1000
while (delivered < sent && performance.now() < drainUntil) await Bun.sleep(5)
// Until the last delivery: what was still on its way when sending stopped counts too.
const elapsed = Math.max(seconds, (lastDelivery - start) / 1000)
const undelivered = sent - delivered
const result = { sent, delivered, achieved: delivered / elapsed, undelivered, duplicates, errors: errors + undelivered + duplicates, latency: latencyOf(latencies) }
emit({ type: 'end', phase: name, result })
measuring = false
process.exit(0)
