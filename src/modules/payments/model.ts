import { t, type TSchema } from 'elysia'
import { idSchema } from '../../lib/ids'
import { pageOf, pageQuery } from '../../lib/pagination'
import { enumOf } from '../../lib/schema'
import { ESCROW_STATES, PAYMENT_PURPOSES, PAYMENT_STATUSES, PROVIDER_EVENT_STATES, WITHDRAWAL_STATUSES } from './status'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])
const minor = (description: string) => t.Integer({ minimum: 0, description: `${description}, integer minor units` })
const currency = t.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. MAD' })

export namespace PaymentsModel {
  export const PAY_METHODS = ['card', 'wallet'] as const
  export const payBody = t.Object({
    groupId: idSchema('ogr', { description: 'the order group the checkout answered' }),
    method: enumOf(PAY_METHODS, { description: 'card: on the provider’s page (answers its redirectUrl); wallet: from my available balance, at once' }),
  })
  export type PayBody = typeof payBody.static
  export const payment = t.Object({
    id: idSchema('pay'),
    purpose: enumOf(PAYMENT_PURPOSES),
    groupId: nullable(idSchema('ogr')),
    method: enumOf(PAY_METHODS),
    status: enumOf(PAYMENT_STATUSES),
    amountMinor: minor('the amount'),
    currency,
    redirectUrl: nullable(t.String({ description: 'where to send the payer to pay (a pending card payment)' })),
    failureMessage: nullable(t.String()),
    createdAt: t.Date(),
  })
  export type Payment = typeof payment.static
  export const idParams = t.Object({ id: idSchema('pay') })
  export const groupQuery = t.Object({ groupId: idSchema('ogr') })
  export const paymentList = t.Object({ items: t.Array(payment) })
  export const providerParams = t.Object({ provider: t.String({ maxLength: 40 }) })
  export const webhookAnswer = t.Object({ received: t.Literal(true), duplicate: t.Boolean({ description: 'the event had been received before: nothing was done again' }) })

  export const depositBody = t.Object({ amountMinor: t.Integer({ minimum: 1, maximum: 100_000_000 }), currency })
  export type DepositBody = typeof depositBody.static

  // ---- payout methods and withdrawals

  export const payoutMethodBody = t.Object({
    label: t.String({ minLength: 1, maxLength: 60, description: 'e.g. "CIH current account"' }),
    holderName: t.String({ minLength: 2, maxLength: 120 }),
    iban: t.String({ minLength: 15, maxLength: 42, description: 'spaces allowed; stored encrypted, shown masked' }),
  })
  export type PayoutMethodBody = typeof payoutMethodBody.static
  export const payoutMethod = t.Object({
    id: idSchema('pom'),
    label: t.String(),
    holderName: t.String(),
    masked: t.String({ description: 'the last four characters of the IBAN' }),
    createdAt: t.Date(),
  })
  export type PayoutMethod = typeof payoutMethod.static
  export const payoutMethodList = t.Object({ items: t.Array(payoutMethod) })
  export const payoutMethodParams = t.Object({ id: idSchema('pom') })

  export const withdrawalBody = t.Object({ payoutMethodId: idSchema('pom'), amountMinor: t.Integer({ minimum: 1, maximum: 1_000_000_000 }), currency })
  export type WithdrawalBody = typeof withdrawalBody.static
  export const withdrawalStatus = enumOf(WITHDRAWAL_STATUSES)
  export const withdrawal = t.Object({
    id: idSchema('wdr'),
    userId: t.String(),
    userName: t.String({ description: 'who asked for it' }),
    amountMinor: minor('the amount'),
    currency,
    status: withdrawalStatus,
    payoutMethod,
    iban: nullable(t.String({ description: 'the full account number, for the admins who pay it; null for its owner' })),
    reference: nullable(t.String({ description: 'the bank transfer’s reference, once paid' })),
    reason: nullable(t.String({ description: 'why it was rejected' })),
    decidedAt: nullable(t.Date()),
    createdAt: t.Date(),
  })
  export type Withdrawal = typeof withdrawal.static
  export const withdrawalPage = pageOf(withdrawal)
  export const withdrawalParams = t.Object({ id: idSchema('wdr') })
  export const listQuery = t.Object({ ...pageQuery })
  export const adminWithdrawalsQuery = t.Object({ status: t.Optional(withdrawalStatus), ...pageQuery })
  export const approveBody = t.Object({ reference: t.String({ minLength: 3, maxLength: 80, description: 'the bank transfer’s reference' }) })
  export const rejectBody = t.Object({ reason: t.String({ minLength: 3, maxLength: 500, description: 'shown to the user' }) })

  // ---- escrow, earnings

  const escrowFields = {
    state: enumOf(ESCROW_STATES, { description: 'held until receipt is confirmed; frozen while a problem is reported; released to the shop; refunded' }),
    amountMinor: minor('the order’s amount held'),
    currency,
    releaseAfter: nullable(t.Date({ description: 'released automatically then unless a problem is reported (set once delivered)' })),
    settledAt: nullable(t.Date({ description: 'when it was released or refunded' })),
  }
  export const orderPayment = t.Object({
    payment: nullable(payment),
    escrow: nullable(
      t.Object(
        {
          ...escrowFields,
          releasedMinor: minor('what reached the shop once released: all of it, or its part of a dispute’s split (the rest was refunded); 0 before'),
          commissionMinor: minor('the platform’s commission on release (on what was released, once it was)'),
        },
        { description: 'null: nothing held (cash on delivery, or not paid yet)' },
      ),
    ),
    cash: nullable(
      t.Object(
        {
          state: t.UnionEnum(['due', 'collected'], { description: 'due until the shop marks the cash collected' }),
          amountMinor: minor('what the buyer pays in cash: the order less items cancelled'),
          commissionMinor: minor('the platform’s commission on it, taken from the shop’s wallet when the cash is collected'),
          collectedAt: nullable(t.Date()),
          canCollect: t.Boolean({ description: 'whether I may mark the cash collected now (its shop or an admin, once the order arrived)' }),
        },
        { description: 'null: not paid cash on delivery' },
      ),
    ),
  })
  export type OrderPayment = typeof orderPayment.static
  export const orderParams = t.Object({ id: idSchema('ord') })

  export const earnings = t.Object({
    commissionBp: t.Integer({ description: 'the commission on my shop’s new orders, basis points: my plan’s, or the platform’s' }),
    currencies: t.Array(
      t.Object({
        currency,
        heldMinor: minor('held in escrow for my orders until their buyers confirm receipt'),
        availableMinor: minor('in my wallet, to withdraw or spend'),
        releasedMinor: minor('released to me so far'),
        commissionMinor: minor('commission taken so far'),
        paidOutMinor: minor('withdrawn to my bank so far'),
        cashCollectedMinor: minor('collected in cash on delivery so far (its commission is in commissionMinor)'),
      }),
    ),
    escrows: t.Array(t.Object({ orderId: idSchema('ord'), invoiceNumber: t.String(), ...escrowFields, createdAt: t.Date() }), { description: 'my latest 20' }),
  })
  export type Earnings = typeof earnings.static

  export const providerEventState = enumOf(PROVIDER_EVENT_STATES)
  export type ProviderEventState = (typeof PROVIDER_EVENT_STATES)[number]
  export const providerEvent = t.Object({
    provider: t.String(),
    id: t.String(),
    type: t.String(),
    providerRef: t.String(),
    paymentId: nullable(t.String()),
    state: providerEventState,
    note: nullable(t.String()),
    occurredAt: t.Date(),
    receivedAt: t.Date(),
    processedAt: nullable(t.Date()),
  })
  export type ProviderEvent = typeof providerEvent.static
  export const providerEventPage = pageOf(providerEvent)
  export const providerEventsQuery = t.Object({ state: t.Optional(providerEventState), ...pageQuery })
}
