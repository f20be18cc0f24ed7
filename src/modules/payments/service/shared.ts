import type { Db, Tx } from '../../../db/client'
import { type Committed, runCommitted } from '../../../events/committed'
import { appendEvent, type StoredEvent } from '../../../events/log'
import type { Infrastructure } from '../../../infrastructure'
import type { Queue } from '../../../jobs/queue'
import type { Bus } from '../../../lib/bus'
import type { Clock } from '../../../lib/clock'
import type { Logger } from '../../../lib/log'
import type { AfterCommit, NotifyInput } from '../../notifications'
import type { ReadSettings } from '../../settings'
import { orderTopic, type OrdersDeps } from '../../orders'
import type { NewPaymentEvent, OrderMoneyChange } from '../events'
import type { PaymentProvider } from '../providers/provider'

/**
 * The money rules one deployment sets in its configuration: currencies, deposit limits, the daily
 * withdrawal maximum. The commission, the escrow's auto-release and the smallest withdrawal are
 * platform settings admins change (readSettings): not read from here.
 */
export type MoneySettings = Omit<Infrastructure['config']['money'], 'commissionBp' | 'autoReleaseDays' | 'withdrawalMinMinor'>

/** What the payments services are built from; the composition root hands these in. */
export interface PaymentsDeps {
  db: Db
  bus: Bus
  clock: Clock
  log: Logger
  queue: Queue | null
  /** The card provider (the sandbox unless configured otherwise). */
  provider: PaymentProvider
  /** Orders' services: paying an order group moves its orders along their state machine. */
  orders: OrdersDeps
  notify(tx: Tx, input: NotifyInput): Promise<AfterCommit | null>
  settings: MoneySettings
  /** The platform settings in force (commission, escrow auto-release days, smallest withdrawal): admins change them at any time. */
  readSettings: ReadSettings
  /** The key bank details are encrypted with (32 bytes). */
  payoutKey: Buffer
  /** Where Souk is reached (the provider sends the buyer back there). */
  publicUrl: string
}

export type Conn = Db | Tx

export { type Committed, merge, nothing } from '../../../events/committed'

/** Publishes and runs what a committed money step left (the money moved: a failure is logged). */
export const afterCommit = (deps: Pick<PaymentsDeps, 'bus' | 'log'>, committed: Committed): Promise<void> => runCommitted(deps, 'payments', committed)

/** A notification to add to `committed`, when there is one to send. */
export async function notifyInto(deps: Pick<PaymentsDeps, 'notify'>, tx: Tx, committed: Committed, input: NotifyInput): Promise<void> {
  const sent = await deps.notify(tx, input)
  if (sent !== null) committed.afterCommit.push(sent)
}

/** Minor units as a sentence shows them: "120.50 MAD". */
export const amountText = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`

/** The commission of an escrow of `amountMinor`, rounded half up to a minor unit. */
export const commissionOf = (amountMinor: number, bp: number) => Math.floor((amountMinor * bp + 5_000) / 10_000)

/** Appends `order.payment` on `order:<id>`: the order's money changed (its page reads it again). */
export const orderMoneyEvent = (tx: Tx, orderId: string, change: OrderMoneyChange, now: Date): Promise<StoredEvent> =>
  appendEvent<NewPaymentEvent>(tx, now, { topic: orderTopic(orderId), kind: 'order.payment', data: { orderId, change, at: now.toISOString() } })
