import { createEffect, createSignal, For, on, Show } from 'solid-js'
import type { TransferKind, TransferPhase } from '../../../src/modules/ledger/kinds'
import type { PaymentsModel } from '../../../src/modules/payments/model'
import type { EscrowState, WithdrawalStatus } from '../../../src/modules/payments/status'
import { Button } from './button'
import type { Tone } from './feedback'
import { toastError } from './toast'

/**
 * What the money screens (the shop's Earnings, the admins' Finance) share: the words for the
 * server's states, keyed by its types (a state added there does not compile here until it has
 * words), a date in words, a status filter and cursor pages with "Load more".
 */

export const ESCROW_LABEL: Record<EscrowState, string> = { held: 'Held', frozen: 'Frozen', released: 'Released', refunded: 'Refunded' }
export const ESCROW_TONE: Record<EscrowState, Tone> = { held: 'warning', frozen: 'danger', released: 'success', refunded: 'neutral' }

export const WITHDRAWAL_LABEL: Record<WithdrawalStatus, string> = { requested: 'Requested', paid: 'Paid', rejected: 'Rejected' }
export const WITHDRAWAL_TONE: Record<WithdrawalStatus, Tone> = { requested: 'warning', paid: 'success', rejected: 'danger' }

export const EVENT_STATE_LABEL: Record<PaymentsModel.ProviderEventState, string> = { received: 'Received', processed: 'Processed', waiting: 'Waiting', ignored: 'Ignored' }
export const EVENT_STATE_TONE: Record<PaymentsModel.ProviderEventState, Tone> = { received: 'primary', processed: 'success', waiting: 'warning', ignored: 'neutral' }

export const TRANSFER_KIND_LABEL: Record<TransferKind, string> = {
  deposit: 'Deposit',
  payment: 'Payment',
  escrow_hold: 'Escrow',
  escrow_release: 'Escrow release',
  commission: 'Commission',
  refund: 'Refund',
  withdrawal: 'Withdrawal',
  subscription: 'Plan payment',
}

/** A transfer's phase: `pending` reserves; a pending transfer is later posted (released) or voided (returned). */
export const TRANSFER_PHASE_LABEL: Record<TransferPhase, string> = { posted: 'posted', pending: 'pending', post_pending: 'pending posted', void_pending: 'pending voided' }

// English and UTC, like lib/format.ts: the server's HTML and the hydrated page print the same.
const DAY = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })

/** "March 12, 2026". The typed client gives Dates, a server render may give strings. */
export const dayDate = (value: Date | string) => DAY.format(new Date(value))

/** "2026-03-12 14:05 UTC": exact and sortable, for audit tables. */
export const utcMinute = (value: Date | string) => `${new Date(value).toISOString().slice(0, 16).replace('T', ' ')} UTC`

/** "All" (unless `all` is omitted) and one button per value of a closed list; `undefined` is all. */
export function FilterButtons<V extends string>(props: { label: string; options: readonly V[]; labels: Record<V, string>; value: V | undefined; all?: string; onChange: (value: V | undefined) => void }) {
  return (
    <div class="segmented segmented--wrap" role="group" aria-label={props.label}>
      <Show when={props.all}>
        {(all) => (
          <button type="button" class="segmented__item" aria-pressed={props.value === undefined} onClick={() => props.onChange(undefined)}>
            {all()}
          </button>
        )}
      </Show>
      <For each={props.options}>
        {(option) => (
          <button type="button" class="segmented__item" aria-pressed={props.value === option} onClick={() => props.onChange(option)}>
            {props.labels[option]}
          </button>
        )}
      </For>
    </div>
  )
}

type Paging = { cursor?: string; limit: number }

/**
 * Rows newest first, in cursor pages of `pageSize`, as `read` answers them for the query `query()`
 * makes; a new query starts again from the first page. `failed` is what a toast says when a page
 * does not load. `update` edits the rows shown (a decided withdrawal leaving its queue).
 */
export function createCursorPages<Q extends object, T>(options: {
  query: () => Q
  read: (query: NoInfer<Q> & Paging) => Promise<{ items: T[]; nextCursor: string | null }>
  pageSize: number
  failed: { load: string; more: string }
}) {
  const [items, setItems] = createSignal<T[] | null>(null)
  const [cursor, setCursor] = createSignal<string | null>(null)
  // Only the latest query's reads fill the list: a new filter may overlap an earlier read.
  let reads = 0
  const load = async () => {
    const read = ++reads
    try {
      const page = await options.read({ ...options.query(), limit: options.pageSize })
      if (read !== reads) return
      setItems(() => page.items)
      setCursor(page.nextCursor)
    } catch (error) {
      toastError(error, options.failed.load)
    }
  }
  const loadMore = async () => {
    const after = cursor()
    if (after === null) return
    const read = reads
    try {
      const page = await options.read({ ...options.query(), cursor: after, limit: options.pageSize })
      if (read !== reads) return
      setItems((list) => [...(list ?? []), ...page.items])
      setCursor(page.nextCursor)
    } catch (error) {
      toastError(error, options.failed.more)
    }
  }
  createEffect(
    on(options.query, () => {
      setItems(null)
      void load()
    }),
  )
  return { items, hasMore: () => cursor() !== null, loadMore, reload: load, update: (edit: (list: T[]) => T[]) => setItems((list) => (list === null ? null : edit(list))) }
}

/** "Load more" under a list while the server has more; busy while a page loads. */
export function LoadMore(props: { pages: { hasMore: () => boolean; loadMore: () => Promise<void> } }) {
  const [loading, setLoading] = createSignal(false)
  const more = async () => {
    setLoading(true)
    try {
      await props.pages.loadMore()
    } finally {
      setLoading(false)
    }
  }
  return (
    <Show when={props.pages.hasMore()}>
      <div class="row" style={{ 'justify-content': 'center' }}>
        <Button onClick={() => void more()} disabled={loading()} aria-busy={loading()}>
          {loading() ? 'Loading…' : 'Load more'}
        </Button>
      </div>
    </Show>
  )
}
