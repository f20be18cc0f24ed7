import { createSignal, For } from 'solid-js'
import { TRANSFER_KINDS, type TransferKind } from '../../../src/modules/ledger/kinds'
import type { LedgerModel } from '../../../src/modules/ledger/model'
import { api, must } from '../lib/api'
import { formatPrice } from '../lib/catalog'
import { dayStart } from '../lib/format'
import { myTopic, rereading, useTopic } from '../lib/live'
import { Button } from './button'
import { EmptyState, Listed, Loading } from './feedback'
import { SelectField, TextField } from './field'
import { createCursorPages, LoadMore, TRANSFER_KIND_LABEL, utcMinute } from './finance-parts'
import { Icon } from './icons'
import { toastError } from './toast'

type Filters = Omit<LedgerModel.TransactionsQuery, 'cursor' | 'limit'>
type Entry = (typeof LedgerModel.entry)['static']

const v1 = () => api().api.v1

const listMyTransactions = async (query: LedgerModel.TransactionsQuery) => must(await v1().wallet.transactions.get({ query }))

/** My transactions as CSV with the same filters: fetched with my access token (so not a plain link), then saved. */
async function downloadTransactions(query: Filters): Promise<void> {
  // The route answers a raw Response (so it is typed); Eden reads a text body into a string.
  const body: unknown = must(await v1().wallet['transactions.csv'].get({ query }))
  const url = URL.createObjectURL(new Blob([typeof body === 'string' ? body : ''], { type: 'text/csv' }))
  // The click starts the download synchronously; the URL is not needed after it.
  Object.assign(document.createElement('a'), { href: url, download: 'souk-transactions.csv' }).click()
  URL.revokeObjectURL(url)
}

/** Which of my accounts an entry moved: my wallet, or my escrow (what I paid for orders, held until receipt). */
const ACCOUNT_LABEL: Partial<Record<Entry['accountKind'], string>> = { available: 'Wallet', held: 'Escrow' }

/** "+500.00", "−120.00" with the currency: into the account, or out of it. */
const signed = (entry: Entry) => `${entry.signedMinor < 0 ? '−' : '+'}${formatPrice(Math.abs(entry.signedMinor), entry.currency)}`

/** A reserved amount is not final yet; a released or returned reservation says so. */
const PHASE_NOTE: Record<Entry['phase'], string> = { posted: '', pending: ' (reserved)', post_pending: ' (completed)', void_pending: ' (returned)' }

/**
 * My transactions, newest first, in cursor pages: filtered by kind and dates (the "to" day
 * included), read again when my balances change (a `wallet.balance` event: money moved), and
 * exported as CSV with the same filters.
 */
export function WalletHistory() {
  const [kind, setKind] = createSignal<TransferKind | ''>('')
  const [from, setFrom] = createSignal('')
  const [to, setTo] = createSignal('')
  const [exporting, setExporting] = createSignal(false)
  const filters = (): Filters => {
    const [since, before] = [dayStart(from()), dayStart(to(), true)]
    return { ...(kind() === '' ? {} : { kind: kind() as TransferKind }), ...(since === undefined ? {} : { from: since }), ...(before === undefined ? {} : { to: before }) }
  }
  const pages = createCursorPages({
    query: filters,
    read: listMyTransactions,
    pageSize: 25,
    failed: { load: 'Could not load your transactions', more: 'Could not load more transactions' },
  })
  useTopic(myTopic, { onEvent: (event) => event.kind === 'wallet.balance' && void pages.reload(), ...rereading(() => void pages.reload()) })

  const exportCsv = async () => {
    setExporting(true)
    try {
      await downloadTransactions(filters())
    } catch (error) {
      toastError(error, 'Could not export your transactions')
    } finally {
      setExporting(false)
    }
  }

  return (
    <section class="card" aria-labelledby="wallet-history-heading">
      <div class="card__header">
        <h2 id="wallet-history-heading">Transactions</h2>
        <Button size="sm" disabled={exporting()} aria-busy={exporting()} onClick={() => void exportCsv()}>
          <Icon name="arrowDown" /> Export CSV
        </Button>
      </div>
      <div class="card__body stack">
        <div class="row" role="group" aria-label="Filter transactions" style={{ 'align-items': 'flex-end' }}>
          <SelectField
            label="Kind"
            value={kind()}
            onChange={(e) => setKind(e.currentTarget.value as TransferKind | '')}
            options={[{ value: '', label: 'All kinds' }, ...TRANSFER_KINDS.map((value) => ({ value, label: TRANSFER_KIND_LABEL[value] }))]}
          />
          <TextField label="From" type="date" value={from()} onChange={(e) => setFrom(e.currentTarget.value)} />
          <TextField label="To" type="date" value={to()} onChange={(e) => setTo(e.currentTarget.value)} />
        </div>
        <Listed
          items={pages.items()}
          loading={<Loading label="Loading your transactions" height="32px" />}
          empty={
            <EmptyState icon="activity" title={kind() === '' && from() === '' && to() === '' ? 'No transactions yet' : 'No transactions match'} headingLevel={3}>
              Deposits, payments, releases, refunds and withdrawals appear here as they happen.
            </EmptyState>
          }
        >
          {(items) => (
            <>
              <div class="table-scroll">
                <table class="data-table">
                  <caption class="visually-hidden">My transactions, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">What</th>
                      <th scope="col">Account</th>
                      <th scope="col">Reference</th>
                      <th scope="col" class="num">Amount</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={items()}>
                      {(entry) => (
                        <tr>
                          <th scope="row">{utcMinute(entry.at)}</th>
                          <td>
                            {TRANSFER_KIND_LABEL[entry.kind]}
                            {PHASE_NOTE[entry.phase]}
                          </td>
                          <td>{ACCOUNT_LABEL[entry.accountKind] ?? entry.accountKind}</td>
                          <td style={{ 'overflow-wrap': 'anywhere' }}>
                            <code>{entry.ref}</code>
                          </td>
                          <td class="num">
                            <strong>{signed(entry)}</strong>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <LoadMore pages={pages} />
            </>
          )}
        </Listed>
      </div>
    </section>
  )
}
