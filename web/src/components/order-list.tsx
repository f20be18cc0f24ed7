import { A } from '@solidjs/router'
import { createEffect, createSignal, For, type JSX, on, Show } from 'solid-js'
import { formatPrice } from '../lib/catalog'
import { timeAgo } from '../lib/format'
import { myTopic, rereading, useTopic } from '../lib/live'
import { type OrderStatus, type OrderSummary, STATUS_LABEL, STATUS_TONE, STATUSES } from '../lib/orders'
import { Badge, Listed, Loading } from './feedback'
import { Img } from './media'
import { InfiniteList } from './pagination'
import { toastError } from './toast'

/** One order in a list (a shop's sales, the admins' list), linking to its page at `href`. */
export function OrderRow(props: { order: OrderSummary; href: string; showShop?: boolean }) {
  const o = () => props.order
  return (
    <A href={props.href} class="order-row" aria-label={`Order ${o().invoiceNumber}, ${STATUS_LABEL[o().status]}`}>
      <Img src={o().imageUrl} alt="" width={56} height={56} />
      <span class="order-row__main">
        <strong>{o().invoiceNumber}</strong>
        <span class="muted">
          {o().buyer.displayName}
          <Show when={props.showShop}> → {o().vendor.name}</Show> · {o().itemCount} {o().itemCount === 1 ? 'item' : 'items'} · {timeAgo(o().createdAt)}
        </span>
      </span>
      {/* What the order comes to now: less the items cancelled one by one. */}
      <strong class="order-row__total">{formatPrice(o().totalMinor - o().cancelledMinor, o().currency)}</strong>
      <Badge tone={STATUS_TONE[o().status]}>{STATUS_LABEL[o().status]}</Badge>
    </A>
  )
}

/** "All" and one button per status; `undefined` is all. */
export function StatusFilter(props: { value: OrderStatus | undefined; onChange: (status: OrderStatus | undefined) => void }) {
  return (
    <div class="segmented segmented--wrap" role="group" aria-label="Status">
      <button type="button" aria-pressed={props.value === undefined} onClick={() => props.onChange(undefined)}>
        All
      </button>
      <For each={STATUSES}>
        {(status) => (
          <button type="button" aria-pressed={props.value === status} onClick={() => props.onChange(status)}>
            {STATUS_LABEL[status]}
          </button>
        )}
      </For>
    </div>
  )
}

/** The query of a status filter's choice: no status is all. */
export const byStatus = (status: OrderStatus | undefined) => (status === undefined ? {} : { status })

/** "No orders yet", or "No accepted orders" while the filter shows one status. */
export const noOrdersTitle = (status: OrderStatus | undefined) => (status === undefined ? 'No orders yet' : `No ${STATUS_LABEL[status].toLowerCase()} orders`)

/** The server's largest page: a refresh reads back at most this many of the rows shown. */
const MAX_PAGE = 100

type Paging = { cursor?: string; limit: number }

/**
 * A list of orders, newest first, in cursor pages of `pageSize`, as `read` answers them for the
 * query `query()` makes; a new query starts it again. `live`: an `order` notification on my topic
 * (a new order, a step by the other side) reads the rows shown again. `failed` is what a toast
 * says when a first page or a next one does not load.
 */
export function createOrderPages<Q extends object>(options: {
  query: () => Q
  read: (query: NoInfer<Q> & Paging) => Promise<{ items: OrderSummary[]; nextCursor: string | null }>
  pageSize: number
  live: boolean
  failed: { load: string; more: string }
}) {
  const [items, setItems] = createSignal<OrderSummary[] | null>(null)
  const [cursor, setCursor] = createSignal<string | null>(null)
  // Only the latest read fills the list: a new query or an event may overlap an earlier one.
  let reads = 0

  /** The first rows again, as many as are shown (so "load more" pages stay), newest on top. */
  const refresh = async () => {
    const read = ++reads
    try {
      const page = await options.read({ ...options.query(), limit: Math.min(MAX_PAGE, Math.max(options.pageSize, items()?.length ?? 0)) })
      if (read !== reads) return
      setItems(page.items)
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
      setItems((list) => [...(list ?? []), ...page.items.filter((o) => !list?.some((p) => p.id === o.id))])
      setCursor(page.nextCursor)
    } catch (error) {
      toastError(error, options.failed.more)
    }
  }
  createEffect(
    on(options.query, () => {
      setItems(null)
      void refresh()
    }),
  )
  if (options.live) {
    useTopic(myTopic, {
      onEvent: (event) => event.kind === 'notification' && event.data.notification.type === 'order' && void refresh(),
      ...rereading(() => void refresh()),
    })
  }
  return { items, hasMore: () => cursor() !== null, loadMore }
}

/** What `createOrderPages` holds, shown: placeholder rows while the first page loads, `empty` when there is none, else `row` of each order. */
export function OrderPages(props: {
  pages: ReturnType<typeof createOrderPages>
  label: string
  loadingLabel: string
  empty: JSX.Element
  row: (order: OrderSummary) => JSX.Element
}) {
  return (
    <Listed items={props.pages.items()} loading={<Loading label={props.loadingLabel} rows={3} height="56px" />} empty={props.empty}>
      {(list) => (
        <InfiniteList items={list()} hasMore={props.pages.hasMore()} loadMore={props.pages.loadMore} label={props.label}>
          {props.row}
        </InfiniteList>
      )}
    </Listed>
  )
}
