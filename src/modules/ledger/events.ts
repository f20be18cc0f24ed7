// The ledger's event: a user's balances changed, on `user:<id>` (their wallet, earnings and order
// screens follow it). Browser-safe (schemas only): src/realtime/protocol.ts assembles it.
import { t } from 'elysia/type-system'
import { durable, type EventsOf, type NewEventOf } from '../../lib/event-schema'

const minor = (description: string) => t.Integer({ description: `${description}, integer minor units` })

export const Balances = t.Object({
  currency: t.String({ description: 'ISO 4217' }),
  availableMinor: minor('what may be spent or withdrawn now'),
  heldMinor: minor('paid for orders, waiting in escrow until released to the shop or refunded'),
  incomingMinor: minor('coming from buyers, held in escrow until they confirm receipt'),
  outgoingMinor: minor('withdrawals awaiting an admin'),
})
export type Balances = typeof Balances.static

export const LEDGER_EVENTS = [durable('user', 'wallet.balance', Balances)] as const
export type LedgerEvent = EventsOf<typeof LEDGER_EVENTS>
export type NewLedgerEvent = NewEventOf<LedgerEvent>
