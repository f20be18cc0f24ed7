import { A } from '@solidjs/router'
import { formatPrice } from '../lib/catalog'
import { timeAgo } from '../lib/format'
import { type OrderSummary, STATUS_LABEL, STATUS_TONE } from '../lib/orders'
import { Badge } from './feedback'
import { Img } from './media'

/** One of my orders in a list (My orders, the checkout's confirmation): the shop it is from, linking to its page. */
export function MyOrderRow(props: { order: OrderSummary }) {
  const o = () => props.order
  return (
    <A href={`/orders/${o().id}`} class="order-row" aria-label={`Order ${o().invoiceNumber} from ${o().vendor.name}, ${STATUS_LABEL[o().status]}`}>
      <Img src={o().imageUrl} alt="" width={56} height={56} />
      <span class="order-row__main">
        <strong>{o().vendor.name}</strong>
        <span class="muted">
          {o().invoiceNumber} · {o().itemCount} {o().itemCount === 1 ? 'item' : 'items'} · {timeAgo(o().createdAt)}
        </span>
      </span>
      {/* What the order comes to now: less the items cancelled one by one. */}
      <strong class="order-row__total">{formatPrice(o().totalMinor - o().cancelledMinor, o().currency)}</strong>
      <Badge tone={STATUS_TONE[o().status]}>{STATUS_LABEL[o().status]}</Badge>
    </A>
  )
}
