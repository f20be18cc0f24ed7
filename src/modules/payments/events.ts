// The events of payments, on the payer's `user:<id>`: a payment confirmed or failed (the checkout's
// and the wallet's screens follow it; balances have their own `wallet.balance`); and on `order:<id>`
// each change of the order's money (held, released, refunded, cash collected) for its page. Browser-safe
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

/** What changed in an order's money: its page reads `GET /orders/:id/payment` again. */
export const ORDER_MONEY_CHANGES = ['held', 'released', 'refunded', 'partly_refunded', 'settled', 'cash_collected'] as const
export type OrderMoneyChange = (typeof ORDER_MONEY_CHANGES)[number]

export const OrderPaymentChangedData = t.Object({
  orderId: t.String(),
  change: t.UnionEnum(ORDER_MONEY_CHANGES, {
    description: 'held: paid and held in escrow; released to the shop; refunded whole or partly; settled by a dispute’s decision; cash_collected: a cash-on-delivery order settled',
  }),
  at: t.String({ format: 'date-time' }),
})

export const PAYMENT_EVENTS = [durable('user', 'payment.updated', PaymentUpdatedData), durable('order', 'order.payment', OrderPaymentChangedData)] as const
export type PaymentEvent = EventsOf<typeof PAYMENT_EVENTS>
export type NewPaymentEvent = NewEventOf<PaymentEvent>
