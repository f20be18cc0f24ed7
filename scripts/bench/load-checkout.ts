// S5's generator, one phase per process. `contention`: every buyer asks for the checkout quote
// (as the checkout page does, which also opens its connection), then all place their checkout at
// once, one request each; it reports how many were sold (201), refused (409 conflict) and anything
// else. `throughput`: each buyer loops, putting its product in the cart and checking out (a new
// Idempotency-Key each time), for a warm-up and then the measured seconds; it reports checkouts/s
// and the latency of the checkout call.
import { readFileSync } from 'node:fs'
import { latencyOf } from './proc'

interface Buyer {
  token: string
  addressId: string
  productId: string
  shipping: { vendorId: string; optionId: string }
}

interface Config {
  url: string
  buyers: Buyer[]
  phase: { name: 'contention' } | { name: 'throughput'; seconds: number; warmupSeconds: number }
}

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Config
const emit = (line: Record<string, unknown>) => console.log(JSON.stringify(line))

interface Answer {
  status: number
  body: string
  ms: number
}

async function call(buyer: Buyer, method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now()
  const response = await fetch(`${config.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${buyer.token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text, ms: performance.now() - started }
}

const checkout = (buyer: Buyer) =>
  call(buyer, 'POST', '/api/v1/checkout', { shippingAddressId: buyer.addressId, shipping: [buyer.shipping], paymentMethod: 'cash_on_delivery' }, { 'idempotency-key': crypto.randomUUID() })

// The first unexpected answer goes to stderr, so a failing run says why.
let reported = false
function unexpected(what: string, answer: Answer): void {
  if (reported) return
  reported = true
  console.error(`load-checkout: ${what} answered ${answer.status}: ${answer.body.slice(0, 500)}`)
}

const isConflict = (answer: Answer) => answer.status === 409 && (JSON.parse(answer.body) as { error?: { type?: string } }).error?.type === 'conflict'

if (config.phase.name === 'contention') {
  const quotes = await Promise.all(config.buyers.map((b) => call(b, 'POST', '/api/v1/checkout/quote', { shippingAddressId: b.addressId, shipping: [b.shipping] })))
  for (const quote of quotes) if (quote.status !== 200) unexpected('a quote', quote)
  emit({ type: 'begin', phase: 'contention' })
  const answers = await Promise.all(config.buyers.map(checkout))
  const sold = answers.filter((a) => a.status === 201).length
  const refused = answers.filter(isConflict).length
  for (const answer of answers) if (answer.status !== 201 && !isConflict(answer)) unexpected('a checkout', answer)
  emit({ type: 'end', phase: 'contention', result: { sold, refused, other: answers.length - sold - refused, latency: latencyOf(answers.map((a) => a.ms)) } })
} else {
  const { seconds, warmupSeconds } = config.phase
  let measuring = false
  let running = true
  let placed = 0
  let errors = 0
  let limited = 0
  const latencies: number[] = []
  // Starts are spread over the warm-up: buyers started together would move in waves of all of
  // them, and the measured window would count whole waves. A buyer stops at its first failure: an
  // error must not turn into a busy loop.
  const shop = async (buyer: Buyer, i: number) => {
    await Bun.sleep((i / config.buyers.length) * warmupSeconds * 1000)
    while (running) {
      const put = await call(buyer, 'PUT', `/api/v1/cart/items/${buyer.productId}`, { quantity: 1 })
      const answer = put.status === 200 ? await checkout(buyer) : put
      if (answer.status === 201) {
        if (measuring) {
          placed++
          latencies.push(answer.ms)
        }
        continue
      }
      // Counted in the warm-up too: a buyer who stopped then is missing from the measured rate.
      errors++
      if (answer.status === 429) limited++
      unexpected(put.status === 200 ? 'a checkout' : 'a cart put', answer)
      return
    }
  }
  const shopping = Promise.all(config.buyers.map(shop))
  await Bun.sleep(warmupSeconds * 1000)
  measuring = true
  emit({ type: 'begin', phase: 'throughput' })
  const start = performance.now()
  await Bun.sleep(seconds * 1000)
  measuring = false
  const elapsed = (performance.now() - start) / 1000
  emit({ type: 'end', phase: 'throughput', result: { placed, achieved: placed / elapsed, errors, limited, latency: latencyOf(latencies) } })
  running = false
  await shopping
}
process.exit(0)
