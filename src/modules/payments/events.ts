// The events of payments, on the payer's `user:<id>`: a payment confirmed or failed (the checkout's
// and the wallet's screens follow it; balances have their own `wallet.balance`). Browser-safe
// (schemas only): src/realtime/protocol.ts assembles it.
import { t } from 'elysia/type-system'
import { durable, type EventsOf, type NewEventOf } from '../../lib/event-schema'
import { PAYMENT_PURPOSES, PAYMENT_STATUSES } from './status'

export const PaymentUpdatedData = t.Object({
  paymentId: t.String(),
  purpose: t.UnionEnum(PAYMENT_PURPOSES),
  groupId: t.Union([t.String(), t.Null()]),
  status: t.UnionEnum(PAYMENT_STATUSES),
  failureMessage: t.Union([t.String(), t.Null()]),
})

export const PAYMENT_EVENTS = [durable('user', 'payment.updated', PaymentUpdatedData)] as const
export type PaymentEvent = EventsOf<typeof PAYMENT_EVENTS>
export type NewPaymentEvent = NewEventOf<PaymentEvent>
