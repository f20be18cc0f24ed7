// The admins' ledger search as a CSV, made in a tracked job (progress on job:<id>, a download when
// done), with the search's own filters (issue #20, exports): every transfer that matches, newest first.
import { type AnyTrackedJob, type JobsDeps, type JsonTimes, listExport, startListExport, timesFromJson, timesToJson } from '../jobs'
import type { LedgerModel } from './model'
import { searchTransfers } from './service/accounts'

declare module '../jobs' {
  // Registers this module's tracked kind with the jobs module (see TrackedJobKinds).
  interface TrackedJobKinds {
    'exports.transfers': true
  }
}

type TransfersExportInput = JsonTimes<LedgerModel.AdminExportBody>

/**
 * `exports.transfers`: the transfers the filters find, newest first, one row each, paged with the
 * search's own keyset cursor. Amounts stay in minor units, like the wallet's and the sales' exports.
 */
export const exportTransfers = listExport<TransfersExportInput>('exports.transfers', {
  fileName: 'transfers',
  noun: 'transfers',
  header: ['id', 'at', 'kind', 'phase', 'ref', 'debit_account', 'credit_account', 'currency', 'amount_minor', 'pending_id'],
  page: async (deps, input, cursor) => {
    const page = await searchTransfers(deps.db, {
      ...timesFromJson(input),
      limit: 100,
      ...(cursor === null ? {} : { cursor }),
    })
    return {
      rows: page.items.map((x) => [x.id, x.createdAt.toISOString(), x.kind, x.phase, x.ref, x.debitAccountId, x.creditAccountId, x.currency, x.amountMinor, x.pendingId]),
      nextCursor: page.nextCursor,
    }
  },
})

/** The ledger module's tracked job kinds, for the jobs module's registry. */
export const LEDGER_JOB_KINDS: AnyTrackedJob[] = [exportTransfers]

/** Starts a CSV export of the transfers the filters find, for an admin; the job is theirs. */
export function requestTransfersExport(deps: JobsDeps, adminId: string, filters: LedgerModel.AdminExportBody) {
  return startListExport(deps, adminId, exportTransfers, timesToJson(filters))
}
