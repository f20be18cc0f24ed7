import { t } from 'elysia'
import { idSchema } from '../../lib/ids'
import { pageOf, pageQuery } from '../../lib/pagination'
import { enumOf } from '../../lib/schema'
import { Balances } from './events'
import { ACCOUNT_KINDS, TRANSFER_KINDS, TRANSFER_PHASES } from './kinds'

const date = t.Date()

export namespace LedgerModel {
  export const balances = Balances
  export const wallet = t.Object({ balances: t.Array(Balances, { description: 'one per currency the user holds money in; empty before the first' }) })

  const filters = {
    kind: t.Optional(enumOf(TRANSFER_KINDS)),
    ref: t.Optional(t.String({ maxLength: 80, description: 'what caused it: order:ord_…, payment:pay_…, withdrawal:wdr_…' })),
    from: t.Optional(t.Date({ description: 'from this time (inclusive)' })),
    to: t.Optional(t.Date({ description: 'before this time' })),
  }
  export const transactionsQuery = t.Object({ ...filters, ...pageQuery })
  export type TransactionsQuery = typeof transactionsQuery.static
  export const exportQuery = t.Object(filters)

  export const entry = t.Object({
    id: idSchema('ltr'),
    kind: enumOf(TRANSFER_KINDS),
    phase: enumOf(TRANSFER_PHASES, { description: 'pending: reserved; post_pending / void_pending: a pending transfer released or returned' }),
    ref: t.String(),
    currency: t.String(),
    amountMinor: t.Integer({ minimum: 0 }),
    signedMinor: t.Integer({ description: '+ into the account, − out of it' }),
    accountKind: enumOf(ACCOUNT_KINDS, { description: 'which of my accounts: available (wallet) or held (escrow)' }),
    counterparty: enumOf(ACCOUNT_KINDS),
    pendingId: t.Union([t.String(), t.Null()]),
    at: date,
  })
  export const entryPage = pageOf(entry)

  const adminFilters = {
    accountId: t.Optional(t.String({ maxLength: 120, description: 'either side, e.g. available:usr_…:MAD or platform_revenue:-:MAD' })),
    ...filters,
  }
  export const adminQuery = t.Object({ ...adminFilters, ...pageQuery })
  export const adminExportBody = t.Object(adminFilters)
  export type AdminExportBody = typeof adminExportBody.static
  export const transfer = t.Object({
    id: idSchema('ltr'),
    key: t.String(),
    debitAccountId: t.String(),
    creditAccountId: t.String(),
    amountMinor: t.Integer({ minimum: 0 }),
    currency: t.String(),
    kind: enumOf(TRANSFER_KINDS),
    phase: enumOf(TRANSFER_PHASES),
    pendingId: t.Union([t.String(), t.Null()]),
    ref: t.String(),
    createdAt: date,
  })
  export const transferPage = pageOf(transfer)

  export const reconciliation = t.Object({
    id: t.String(),
    ok: t.Boolean(),
    accounts: t.Integer(),
    transfers: t.Integer(),
    debitsPosted: t.Integer(),
    creditsPosted: t.Integer(),
    mismatches: t.Array(t.Object({ accountId: t.String(), field: t.String(), stored: t.Integer(), computed: t.Integer() })),
    at: date,
  })
  export const reconciliationState = t.Object({ latest: t.Union([reconciliation, t.Null()], { description: 'null before the first run' }) })
}
