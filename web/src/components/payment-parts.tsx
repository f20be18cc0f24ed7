import { type Accessor, createSignal, onMount } from 'solid-js'
import type { PaymentStatus } from '../../../src/modules/payments/status'
import { ApiError } from '../lib/errors'
import { myTopic, rereading, useTopic } from '../lib/live'
import { type Balances, getMyBalances } from '../lib/orders'
import type { Tone } from './feedback'
import { toastError } from './toast'

/**
 * What the buyer's money screens share (checkout, My orders, an order's page, the wallet): a
 * payment's status in words, my balances followed live, and one Idempotency-Key per attempt.
 */

// Keyed by the server's type: a status added there does not compile here until it has words.
export const PAYMENT_STATUS_LABEL: Record<PaymentStatus, string> = { pending: 'Awaiting payment', succeeded: 'Paid', failed: 'Failed' }
export const PAYMENT_STATUS_TONE: Record<PaymentStatus, Tone> = { pending: 'warning', succeeded: 'success', failed: 'danger' }

/** A wallet holds no balance in a currency before money first moves in it: this is what it shows. */
export const noBalances = (currency: string): Balances => ({ currency, availableMinor: 0, heldMinor: 0, incomingMinor: 0, outgoingMinor: 0 })

/** `fresh` over `list`, one per currency, in currency order. */
function merged(list: Balances[], fresh: Balances[]): Balances[] {
  const byCurrency = new Map(list.map((b) => [b.currency, b]))
  for (const b of fresh) byCurrency.set(b.currency, b)
  return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency))
}

/**
 * My balances, read once and then carried by each `wallet.balance` event on my topic (it holds the
 * currency's new balances). A read that answers after an event keeps what the event said: the
 * event is newer than the read began.
 */
export function createBalances(): { balances: Accessor<Balances[] | null>; of: (currency: string) => Balances; load: () => Promise<void> } {
  const [balances, setBalances] = createSignal<Balances[] | null>(null)
  let reads = 0
  // Events that arrived while the latest read was on its way.
  let during = new Map<string, Balances>()
  const load = async () => {
    const read = ++reads
    during = new Map()
    try {
      const list = await getMyBalances()
      if (read === reads) setBalances(merged(list, [...during.values()]))
    } catch (error) {
      if (read === reads) toastError(error, 'Could not load your balances')
    }
  }
  useTopic(myTopic, {
    onEvent: (event) => {
      if (event.kind !== 'wallet.balance') return
      during.set(event.data.currency, event.data)
      setBalances((list) => merged(list ?? [], [event.data]))
    },
    ...rereading(() => void load()),
  })
  onMount(() => void load())
  return { balances, of: (currency) => balances()?.find((b) => b.currency === currency) ?? noBalances(currency), load }
}

/**
 * Whether a failed request was answered for sure: the server said what it did (nothing, for an
 * error), so trying again is a new attempt. No answer (the typed client says 503), a 5xx or a 429
 * leave the outcome unknown or untried: the retry repeats the attempt's key.
 */
export const answered = (error: unknown) => error instanceof ApiError && error.status < 500 && error.status !== 429

/**
 * One Idempotency-Key per attempt at a request that moves money (a payment, a deposit, a
 * withdrawal): kept while the attempt's outcome is unknown, so pressing again cannot do it twice,
 * and dropped once the server answered, so the next press is a new attempt. `what` names what the
 * attempt asks (its body): asking something else is another attempt, with its own key.
 */
export function createAttempt(): <T>(what: string, run: (key: string) => Promise<T>) => Promise<T> {
  let current: { what: string; key: string } | null = null
  return async (what, run) => {
    if (current?.what !== what) current = { what, key: crypto.randomUUID() }
    const attempt = current
    try {
      const result = await run(attempt.key)
      if (current === attempt) current = null
      return result
    } catch (error) {
      if (answered(error) && current === attempt) current = null
      throw error
    }
  }
}
