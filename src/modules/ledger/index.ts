// The ledger: every movement of money in Souk, double-entry. Other modules move money only through
// the functions exported here (inside their own transaction), and read balances from it.
import { Elysia } from 'elysia'
import type { Db } from '../../db/client'
import type { Infrastructure } from '../../infrastructure'
import { defineJob } from '../../jobs/queue'
import { ErrorResponse } from '../../lib/errors'
import { privateDownload } from '../../lib/http'
import { fileResponse } from '../../lib/openapi'
import { strictQueryPlugin } from '../../lib/query'
import { authPlugin } from '../accounts'
import { JobSnapshot, jobsDepsOf, toSnapshot } from '../jobs'
import { requestTransfersExport } from './export'
import { LedgerModel as M } from './model'
import { allBalancesOf, latestReconciliation, reconcile, searchTransfers, transfersCsv, transfersOf } from './service/accounts'

export { LEDGER_EVENTS, type LedgerEvent, Balances } from './events'
export { LEDGER_JOB_KINDS } from './export'
export { ACCOUNT_KINDS, type AccountKind, TRANSFER_KINDS, type TransferKind } from './kinds'
export { LedgerModel } from './model'
export { allBalancesOf, balanceEvents, balancesOf, latestReconciliation, reconcile, type Reconciliation, searchTransfers } from './service/accounts'
export { type MoneyFigures, moneyBetween } from './service/stats'
export { accountId, type AccountRef, holdPending, lockAccounts, insufficientFunds, pendingState, type PendingState, postPending, transfer, type Transferred, voidPending } from './service/transfers'
export { ledgerAccounts, ledgerReconciliations, ledgerTransfers } from './table'

/** The daily reconciliation: every balance recomputed from its transfers (a mismatch is logged and shown on /metrics and the admin screen). */
export const reconcileJob = (deps: Pick<Infrastructure, 'log' | 'clock'> & { db: Db }) =>
  defineJob<object>(
    'ledger.reconcile',
    async () => {
      const run = await reconcile(deps.db, deps.clock.now())
      if (!run.ok) deps.log.error('ledger: reconciliation found mismatches', { mismatches: run.mismatches.length, first: run.mismatches.slice(0, 5) })
      return { ok: run.ok, mismatches: run.mismatches.length }
    },
    { retryLimit: 2, expireInSeconds: 15 * 60 },
  )

/** Daily, after the maintenance jobs (UTC). pg-boss runs a schedule once whatever the number of instances. */
export const RECONCILE_CRON = '45 0 * * *'

/** `souk_ledger_reconciliation_mismatches`: what the latest reconciliation found (0 when none ran yet): alert on > 0. */
export const reconciliationGauge = (db: Db) => ({
  name: 'souk_ledger_reconciliation_mismatches',
  help: 'Balances (and the debits = credits check) the latest ledger reconciliation found wrong; alert on anything above 0',
  read: async () => (await latestReconciliation(db))?.mismatches.length ?? 0,
})

/** The wallet's reads (balances, history, CSV) for its owner, and the ledger's admin screens (the search exports in a job). */
export function ledgerRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'bus' | 'log' | 'queue'>) {
  const { db } = ctx.database
  const jobs = jobsDepsOf(ctx)
  return new Elysia({ name: 'ledger', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(strictQueryPlugin)
    .guard({ auth: true, detail: { tags: ['Wallet'] } }, (app) =>
      app
        .get('/wallet', async ({ user }) => ({ balances: await allBalancesOf(db, user.id) }), {
          response: { 200: M.wallet },
          detail: { summary: 'My balances per currency: available, held in escrow for my orders, incoming to my shop, outgoing withdrawals' },
        })
        .get('/wallet/transactions', ({ user, query }) => transfersOf(db, user.id, query), {
          query: M.transactionsQuery,
          strictQuery: { schema: M.transactionsQuery },
          response: { 200: M.entryPage, 400: ErrorResponse },
          detail: { summary: 'My transactions, newest first, filtered by kind, reference and time' },
        })
        .get(
          '/wallet/transactions.csv',
          async ({ user, query }) => privateDownload(await transfersCsv(db, user.id, query), { contentType: 'text/csv; charset=utf-8', fileName: 'souk-transactions.csv' }),
          {
            query: M.exportQuery,
            strictQuery: { schema: M.exportQuery },
            response: { 400: ErrorResponse },
            detail: { summary: 'My transactions as CSV, with the same filters (at most 10,000 rows)', ...fileResponse('The transactions', ['text/csv']) },
          },
        ),
    )
    .guard({ auth: 'admin', detail: { tags: ['Admin'] } }, (admin) =>
      admin
        .get('/admin/ledger', ({ query }) => searchTransfers(db, query), {
          query: M.adminQuery,
          strictQuery: { schema: M.adminQuery },
          response: { 200: M.transferPage, 400: ErrorResponse },
          detail: { summary: 'Ledger transfers, newest first, by account, reference, kind or time' },
        })
        .post('/admin/ledger/export', async ({ user, body, status }) => status(202, toSnapshot(await requestTransfersExport(jobs, user.id, body))), {
          body: M.adminExportBody,
          response: { 202: JobSnapshot, 400: ErrorResponse, 503: ErrorResponse },
          detail: { summary: 'Export the transfers the filters find as CSV in a job, newest first: 202 answers the job; follow it on job:<id>; its result links the download' },
        })
        .get('/admin/reconciliation', async () => ({ latest: await latestReconciliation(db) }), {
          response: { 200: M.reconciliationState },
          detail: { summary: 'The latest ledger reconciliation: every balance recomputed from its transfers' },
        })
        .post('/admin/reconciliation', async () => ({ latest: await reconcile(db, ctx.clock.now()) }), {
          response: { 200: M.reconciliationState },
          detail: { summary: 'Run the ledger reconciliation now' },
        }),
    )
}
