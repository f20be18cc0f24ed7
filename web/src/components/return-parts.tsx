import { Index, Show } from 'solid-js'
import type { ReturnReason, ReturnStatus } from '../../../src/modules/returns/status'
import { formatPrice } from '../lib/catalog'
import type { Return } from '../lib/returns'
import { Fact } from './fact'
import { Badge, type Tone } from './feedback'
import { dayDate } from './finance-parts'
import { PrivatePhoto } from './private-photo'

/**
 * The parts of a return shared by the buyer's and the shop's order pages (and the admins'), and
 * the shop's returns inbox: words for the server's closed lists, what the return is about and whom
 * it waits on, and its photos. `side` is who reads it.
 */

export type ReturnSide = 'buyer' | 'shop' | 'admin'

// Keyed by the server's types: a value added there does not compile here until it has words.
export const RETURN_REASON_LABEL: Record<ReturnReason, string> = {
  defective: 'It is defective',
  wrong_item: 'It is not what was ordered',
  not_as_described: 'It is not as described',
  changed_mind: 'No longer wanted',
  other: 'Something else',
}
export const RETURN_STATUS_LABEL: Record<ReturnStatus, string> = {
  requested: 'Requested',
  approved: 'Approved',
  rejected: 'Rejected',
  sent: 'Sent back',
  received: 'Refunded',
  cancelled: 'Cancelled',
}
export const RETURN_STATUS_TONE: Record<ReturnStatus, Tone> = {
  requested: 'primary',
  approved: 'warning',
  rejected: 'danger',
  sent: 'warning',
  received: 'success',
  cancelled: 'neutral',
}
const REFUND_TO_LABEL: Record<Return['refundTo'], { buyer: string; other: string }> = {
  card: { buyer: 'to your card', other: 'to the buyer’s card' },
  wallet: { buyer: 'to your Souk wallet', other: 'to the buyer’s Souk wallet' },
}
/** Written words keep their line breaks (no stylesheet rule of its own for a return's few texts). */
const TEXT = { 'white-space': 'pre-line', margin: '0', 'overflow-wrap': 'anywhere' } as const

export const returnAmount = (r: Return, minor = r.refundMinor) => formatPrice(minor, r.currency)

/** Where the refund goes, said to `side`: "to your card", "to the buyer’s Souk wallet". */
export const refundTo = (r: Return, side: ReturnSide) => REFUND_TO_LABEL[r.refundTo][side === 'buyer' ? 'buyer' : 'other']

/** "2 × Brass teapot, 1 × Tray". */
export const returnedItems = (r: Return) => r.items.map((item) => `${item.quantity} × ${item.title}`).join(', ')

/** What comes next for a return, said to `side`; null once it is over. */
export function nextStep(r: Return, side: ReturnSide): string | null {
  const shop = side === 'shop'
  switch (r.status) {
    case 'requested':
      return shop ? 'Waiting on your answer: approve it with return instructions, or reject it' : 'Waiting on the shop’s answer'
    case 'approved':
      return side === 'buyer' ? 'Send the items back as the shop says, then tell it here' : 'Waiting on the buyer to send the items back'
    case 'sent':
      return shop ? 'Once the items are back with you, confirm it: the buyer is then refunded' : 'Waiting on the shop to receive the items'
    case 'rejected':
      if (r.disputeId !== null) return 'Taken to a dispute: Souk decides'
      return side === 'buyer' && r.actions.includes('escalate') ? 'You may take it to a dispute: Souk then decides' : null
    case 'received':
    case 'cancelled':
      return null
  }
}

/** The buyer's photos, as thumbnails: only its buyer, its shop and admins may see them. */
export function ReturnPhotos(props: { ret: Return }) {
  return (
    <Show when={props.ret.photos.length > 0}>
      {/* By position: a return read again keeps its photos' images (same URLs), not fetched anew. */}
      <div class="gallery__strip" role="group" aria-label="Photos">
        <Index each={props.ret.photos}>
          {(photo, i) => <PrivatePhoto url={photo().url} width={photo().width} height={photo().height} alt={`Photo ${i + 1}`} label={`Open photo ${i + 1}`} class="gallery__thumb" />}
        </Index>
      </div>
    </Show>
  )
}

/**
 * What a return is about, as `side` reads it: its status, what comes back, the refund and where it
 * goes, when it was received, why (the buyer's words and photos), what each side said since (the shop's instructions or
 * refusal, the buyer's note on sending), and what comes next.
 */
export function ReturnSummary(props: { ret: Return; side: ReturnSide }) {
  const r = () => props.ret
  return (
    <div class="stack stack--tight">
      <dl class="order-totals">
        <Fact term="Status">
          <Badge tone={RETURN_STATUS_TONE[r().status]}>
            <span data-testid="return-status">{RETURN_STATUS_LABEL[r().status]}</span>
          </Badge>
        </Fact>
        <Fact term="Items">
          <span data-testid="return-items">{returnedItems(r())}</span>
        </Fact>
        <Fact term={r().status === 'received' ? 'Refunded' : 'Refund'}>
          <span>
            <span data-testid="return-refund">{returnAmount(r())}</span> {refundTo(r(), props.side)}
            <Show when={r().shippingMinor > 0}>
              <span class="muted"> (delivery {returnAmount(r(), r().shippingMinor)} included)</span>
            </Show>
          </span>
        </Fact>
        <Fact term="Reason">{RETURN_REASON_LABEL[r().reason]}</Fact>
        <Show when={r().receivedAt}>{(at) => <Fact term="Received">{dayDate(at())}</Fact>}</Show>
        <Show when={r().disputeId}>
          {(id) => (
            <Fact term="Dispute">
              {/* The order's page shows its dispute beside this; admins read it on its own page. */}
              <a href={props.side === 'admin' ? `/admin/disputes/${id()}` : '#order-dispute'}>See the dispute</a>
            </Fact>
          )}
        </Show>
        <Show when={nextStep(r(), props.side)}>
          {(text) => (
            <Fact term="Next">
              <span data-testid="return-next">{text()}</span>
            </Fact>
          )}
        </Show>
      </dl>
      <div class="stack stack--tight">
        <strong>What is wrong</strong>
        <p style={TEXT} data-testid="return-description">
          {r().description}
        </p>
      </div>
      <ReturnPhotos ret={r()} />
      <Show when={r().instructions}>
        {(text) => (
          <div class="stack stack--tight">
            <strong>{props.side === 'shop' ? 'Your return instructions' : 'The shop’s return instructions'}</strong>
            <p style={TEXT} data-testid="return-instructions">
              {text()}
            </p>
          </div>
        )}
      </Show>
      <Show when={r().rejectReason}>
        {(text) => (
          <div class="stack stack--tight">
            <strong>{props.side === 'shop' ? 'You rejected it' : 'The shop rejected it'}</strong>
            <p style={TEXT} data-testid="return-reject-reason">
              {text()}
            </p>
          </div>
        )}
      </Show>
      <Show when={r().sentNote}>
        {(text) => (
          <div class="stack stack--tight">
            <strong>{props.side === 'buyer' ? 'How you sent it back' : 'How the buyer sent it back'}</strong>
            <p style={TEXT} data-testid="return-sent-note">
              {text()}
            </p>
          </div>
        )}
      </Show>
    </div>
  )
}
