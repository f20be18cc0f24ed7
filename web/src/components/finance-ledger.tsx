import { createSignal, For } from 'solid-js'
import { TRANSFER_KINDS, type TransferKind } from '../../../src/modules/ledger/kinds'
import type { LedgerModel } from '../../../src/modules/ledger/model'
import { api, must } from '../lib/api'
import { formatPrice } from '../lib/catalog'
import { Button } from './button'
import { ExportJob } from './export-job'
import { EmptyState, Listed, Loading } from './feedback'
import { SelectField, TextField } from './field'
import { createCursorPages, LoadMore, TRANSFER_KIND_LABEL, TRANSFER_PHASE_LABEL, utcMinute } from './finance-parts'
import { Icon } from './icons'

type Search = { accountId?: string; ref?: string; kind?: TransferKind }
type Transfer = typeof LedgerModel.transfer.static

const searchLedger = async (query: Search & { cursor?: string; limit: number }) => must(await api().api.v1.admin.ledger.get({ query }))
/** Starts the CSV export of the transfers the search finds (a job: its card shows the progress and the download). */
const exportLedger = async (search: Search) => must(await api().api.v1.admin.ledger.export.post(search))

function TransferRow(props: { transfer: Transfer }) {
  const x = () => props.transfer
  return (
    <li class="admin-row" aria-label={`${TRANSFER_KIND_LABEL[x().kind]}, ${TRANSFER_PHASE_LABEL[x().phase]}, ${x().ref}`}>
      <div class="admin-row__main">
        <div class="row row--between">
          <span>
            <strong>{formatPrice(x().amountMinor, x().currency)}</strong> {TRANSFER_KIND_LABEL[x().kind]} · {TRANSFER_PHASE_LABEL[x().phase]}
          </span>
          <span class="muted">{utcMinute(x().createdAt)}</span>
        </div>
        <p>
          <span class="muted">debit</span> {x().debitAccountId} <span class="muted">→ credit</span> {x().creditAccountId}
        </p>
        <p class="muted">
          {x().ref} · {x().id}
          {x().pendingId === null ? '' : ` · settles ${x().pendingId}`}
        </p>
      </div>
    </li>
  )
}

/** Ledger transfers, newest first, by account (either side), reference and kind, in pages; exported as CSV in a job. */
export function FinanceLedger() {
  const [search, setSearch] = createSignal<Search>({})
  const pages = createCursorPages({
    query: search,
    read: searchLedger,
    pageSize: 50,
    failed: { load: 'Could not search the ledger', more: 'Could not load more transfers' },
  })
  const kinds = [{ value: '', label: 'Any kind' }, ...TRANSFER_KINDS.map((kind) => ({ value: kind, label: TRANSFER_KIND_LABEL[kind] }))]

  return (
    <div class="stack">
      <form
        role="search"
        aria-label="Search the ledger"
        class="stack"
        onSubmit={(e) => {
          e.preventDefault()
          const form = new FormData(e.currentTarget)
          const text = (name: string) => String(form.get(name) ?? '').trim()
          const kind = text('kind') as TransferKind | ''
          setSearch({
            ...(text('accountId') === '' ? {} : { accountId: text('accountId') }),
            ...(text('ref') === '' ? {} : { ref: text('ref') }),
            ...(kind === '' ? {} : { kind }),
          })
        }}
      >
        <div class="grid grid--3">
          <TextField label="Account id" name="accountId" maxLength={120} placeholder="available:usr_…:MAD" autocomplete="off" />
          <TextField label="Reference" name="ref" maxLength={80} placeholder="order:ord_…" autocomplete="off" />
          <SelectField label="Kind" name="kind" options={kinds} value="" />
        </div>
        <div class="row">
          <Button type="submit">
            <Icon name="search" /> Search
          </Button>
          {/* The search the list shows, not the fields' unsubmitted text. */}
          <ExportJob start={() => exportLedger(search())} />
        </div>
      </form>
      <p class="muted">
        An account is <code>kind:owner:currency</code>, e.g. <code>available:usr_…:MAD</code> or <code>platform_revenue:-:MAD</code>; a reference names what caused the transfer:{' '}
        <code>order:ord_…</code>, <code>payment:pay_…</code>, <code>withdrawal:wdr_…</code> (an id alone works too).
      </p>
      <Listed
        items={pages.items()}
        loading={<Loading label="Searching the ledger" height="32px" />}
        empty={
          <EmptyState icon="search" title="No transfers match" headingLevel={3}>
            Search by another account or reference, or any kind.
          </EmptyState>
        }
      >
        {(list) => (
          <ul class="admin-list" aria-label="Ledger transfers">
            <For each={list()}>{(transfer) => <TransferRow transfer={transfer} />}</For>
          </ul>
        )}
      </Listed>
      <LoadMore pages={pages} />
    </div>
  )
}
