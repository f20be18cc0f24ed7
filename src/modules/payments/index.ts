// Payments: paying order groups (card through the provider seam, or the wallet), wallet deposits
// and withdrawals with payout methods, the escrow of every paid order (released on receipt,
// refunded on cancellation), shops' earnings and the admins' finance screens. Money moves only
// through the ledger's functions, in the transaction of the change that causes it.
import { Elysia, t } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { ErrorResponse } from '../../lib/errors'
import { apiOnly } from '../../lib/openapi'
import { strictQueryPlugin } from '../../lib/query'
import { idempotencyHeaders } from '../../lib/schema'
import { rateLimitPlugin } from '../../lib/rate-limit'
import { originPlugin } from '../../lib/request-origin'
import { authPlugin } from '../accounts'
import { PaymentsModel as M } from './model'
import { getPayment, paymentsOfGroup, payOrderGroup, receiveWebhook, startDeposit } from './service/payments'
import type { PaymentsDeps } from './service/shared'
import { collectCash } from './service/cash'
import { earnings, listProviderEvents, orderPayment } from './service/views'
import { addPayoutMethod, decideWithdrawal, listPayoutMethods, listWithdrawals, removePayoutMethod, requestWithdrawal } from './service/wallet'

export { AUTO_RELEASE_CRON, autoReleaseJob, escrowOf, escrowStep, heldEscrow, holdReleaseUntil, refundCancelledItems, refundJob, refundPart, releaseDueEscrows, setEscrowFrozen, settleEscrow } from './service/escrow'
export { afterCommit as afterMoneyCommit, amountText } from './service/shared'
export { processEventsJob } from './service/payments'
export { withdrawalsQueue } from './service/queue'
export { type HeldEscrow, heldEscrowsOf } from './service/views'
export type { MoneySettings, PaymentsDeps } from './service/shared'
export { PaymentsModel } from './model'
export type { PaymentProvider, ProviderEvent } from './providers/provider'
export { createSandboxProvider, type SandboxProvider } from './providers/sandbox'

const MINUTE = 60_000
const LIMITS = {
  pay: { scope: 'payments', limit: 30, windowMs: 10 * MINUTE, per: 'user' },
  deposit: { scope: 'deposits', limit: 20, windowMs: 60 * MINUTE, per: 'user' },
  withdraw: { scope: 'withdrawals', limit: 10, windowMs: 60 * MINUTE, per: 'user' },
  // A provider retries; an attacker guessing signatures does not get far either.
  webhook: { scope: 'payment-webhooks', limit: 600, windowMs: MINUTE },
} as const

export function paymentsRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'limiter'> & { deps: PaymentsDeps }) {
  const { deps } = ctx
  const { db } = deps
  return new Elysia({ name: 'payments', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(strictQueryPlugin)
    .use(rateLimitPlugin({ limiter: ctx.limiter, clock: ctx.clock, trustProxy: ctx.config.trustProxy }))
    .use(originPlugin(ctx.config))
    .post('/payments/webhooks/:provider', ({ params, body, request }) => receiveWebhook(deps, params.provider, typeof body === 'string' ? body : '', request.headers), {
      // The signature is over the exact bytes sent: the body is read as text, never re-serialized.
      parse: 'text',
      params: M.providerParams,
      rateLimit: LIMITS.webhook,
      response: { 200: M.webhookAnswer, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse },
      detail: {
        tags: ['Payments'],
        summary: 'A payment provider’s signed event (Souk-Signature: t=<unix>,v1=<HMAC-SHA256 of "<t>.<body>">, 5 minutes’ tolerance); each event id is processed once',
        ...apiOnly('called by the payment provider, not by people'),
      },
    })
    .guard({ auth: true, detail: { tags: ['Payments'] } }, (app) =>
      app
        .post(
          '/payments',
          async ({ user, body, headers, status }) => {
            const { payment, replayed } = await payOrderGroup(deps, user.id, headers['idempotency-key'], body)
            return replayed ? payment : status(201, payment)
          },
          {
            headers: idempotencyHeaders,
            body: M.payBody,
            rateLimit: LIMITS.pay,
            response: { 200: M.payment, 201: M.payment, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse, 429: ErrorResponse },
            detail: { summary: 'Pay my order group: from my wallet at once, or by card (follow redirectUrl to the provider’s page). Repeat with the same Idempotency-Key to retry safely' },
          },
        )
        .get('/payments', ({ user, query }) => paymentsOfGroup(db, user.id, query.groupId), {
          query: M.groupQuery,
          strictQuery: { schema: M.groupQuery },
          response: { 200: M.paymentList, 400: ErrorResponse },
          detail: { summary: 'My payments of an order group, newest first (follow `payment.updated` on user:<me>)' },
        })
        .get('/payments/:id', ({ user, params }) => getPayment(db, user.id, params.id), {
          params: M.idParams,
          response: { 200: M.payment, 404: ErrorResponse },
          detail: { summary: 'One of my payments', ...apiOnly('for API clients reading one payment; the web client reads a group’s payments and follows payment.updated') },
        })
        .get('/orders/:id/payment', ({ user, params }) => orderPayment(deps, user, params.id), {
          params: M.orderParams,
          response: { 200: M.orderPayment, 404: ErrorResponse },
          detail: { summary: 'How an order is paid and its escrow: held until receipt, released on a date unless a problem is reported, released or refunded (its buyer, its shop, admins)' },
        })
        .post(
          '/sales/:id/cash-collected',
          async ({ user, params, origin }) => {
            await collectCash(deps, user, origin, params.id)
            return orderPayment(deps, user, params.id)
          },
          {
            params: M.orderParams,
            response: { 200: M.orderPayment, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
            detail: {
              summary: 'Mark the cash of a delivered cash-on-delivery order of my shop collected (admins too): the platform’s commission on it is taken from my wallet, once',
              description: 'A repeat changes nothing. 409 (details `{ status, step: "cash_collected" }`) for an order paid otherwise (status: its payment method) or not delivered yet (status: the order’s); 409 `insufficient_funds` when my wallet cannot cover the commission: nothing moves; add money to the wallet, then try again.',
            },
          },
        )
        .post(
          '/wallet/deposits',
          async ({ user, body, headers, status }) => {
            const { payment, replayed } = await startDeposit(deps, user.id, headers['idempotency-key'], body)
            return replayed ? payment : status(201, payment)
          },
          {
            headers: idempotencyHeaders,
            body: M.depositBody,
            rateLimit: LIMITS.deposit,
            response: { 200: M.payment, 201: M.payment, 400: ErrorResponse, 422: ErrorResponse, 429: ErrorResponse },
            detail: { tags: ['Wallet'], summary: 'Deposit into my wallet by card: follow redirectUrl to pay; the balance rises when the provider confirms' },
          },
        )
        .get('/wallet/withdrawals', ({ user, query }) => listWithdrawals(deps, { userId: user.id }, query), {
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: { 200: M.withdrawalPage, 400: ErrorResponse },
          detail: { tags: ['Wallet'], summary: 'My withdrawals, newest first' },
        })
        .post(
          '/wallet/withdrawals',
          async ({ user, body, headers, status }) => {
            const { withdrawal, replayed } = await requestWithdrawal(deps, user.id, headers['idempotency-key'], body)
            return replayed ? withdrawal : status(201, withdrawal)
          },
          {
            headers: idempotencyHeaders,
            body: M.withdrawalBody,
            rateLimit: LIMITS.withdraw,
            response: { 200: M.withdrawal, 201: M.withdrawal, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse, 429: ErrorResponse },
            detail: { tags: ['Wallet'], summary: 'Withdraw from my wallet to a payout method: reserved at once, paid by an admin (or rejected: it returns)' },
          },
        )
        .get('/me/payout-methods', ({ user }) => listPayoutMethods(db, user.id), {
          response: { 200: M.payoutMethodList },
          detail: { tags: ['Wallet'], summary: 'My payout methods (bank accounts, shown masked)' },
        })
        .post('/me/payout-methods', async ({ user, body, origin, status }) => status(201, await addPayoutMethod(deps, user.id, origin, body)), {
          body: M.payoutMethodBody,
          response: { 201: M.payoutMethod, 400: ErrorResponse, 409: ErrorResponse },
          detail: { tags: ['Wallet'], summary: 'Add a bank account to withdraw to (IBAN checked, stored encrypted)' },
        })
        .delete(
          '/me/payout-methods/:id',
          async ({ user, params, origin, status }) => {
            await removePayoutMethod(deps, user.id, origin, params.id)
            return status(204, undefined)
          },
          {
            params: M.payoutMethodParams,
            // A 204 has no body: Elysia answers it as undefined (a null schema refused every removal with 400).
            response: { 204: t.Undefined(), 404: ErrorResponse },
            detail: { tags: ['Wallet'], summary: 'Remove one of my payout methods' },
          },
        ),
    )
    .guard({ auth: 'vendor', detail: { tags: ['Wallet'] } }, (app) =>
      app.get('/me/earnings', ({ user }) => earnings(deps, user.id), {
        response: { 200: M.earnings, 403: ErrorResponse },
        detail: { summary: 'My shop’s earnings: held in escrow, available, released, commission, paid out; the latest escrows' },
      }),
    )
    .guard({ auth: 'admin', detail: { tags: ['Admin'] } }, (admin) =>
      admin
        .get('/admin/withdrawals', ({ query }) => listWithdrawals(deps, { status: query.status }, query), {
          query: M.adminWithdrawalsQuery,
          strictQuery: { schema: M.adminWithdrawalsQuery },
          response: { 200: M.withdrawalPage, 400: ErrorResponse },
          detail: { summary: 'Withdrawals to pay (filter by status), with the account numbers' },
        })
        .post('/admin/withdrawals/:id/approve', ({ user, params, body, origin }) => decideWithdrawal(deps, user.id, origin, params.id, { approve: true, reference: body.reference }), {
          params: M.withdrawalParams,
          body: M.approveBody,
          response: { 200: M.withdrawal, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Mark a withdrawal paid, with the bank transfer’s reference' },
        })
        .post('/admin/withdrawals/:id/reject', ({ user, params, body, origin }) => decideWithdrawal(deps, user.id, origin, params.id, { approve: false, reason: body.reason }), {
          params: M.withdrawalParams,
          body: M.rejectBody,
          response: { 200: M.withdrawal, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Reject a withdrawal with a reason: the amount returns to the wallet' },
        })
        .get('/admin/payment-events', ({ query }) => listProviderEvents(db, query), {
          query: M.providerEventsQuery,
          strictQuery: { schema: M.providerEventsQuery },
          response: { 200: M.providerEventPage, 400: ErrorResponse },
          detail: { summary: 'The payment provider’s webhook events and how each was processed' },
        }),
    )
}
