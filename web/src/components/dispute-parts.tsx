import { For, Index, Show } from 'solid-js'
import type { DisputeOutcome, DisputeParty, DisputeReason, DisputeStatus } from '../../../src/modules/disputes/status'
import { formatPrice } from '../lib/catalog'
import { QUOTED_FROM_LABEL, type QuotedMessage } from '../lib/disputes'
import { timeAgo } from '../lib/format'
import type { Dispute } from '../lib/orders'
import { EvidenceForm, type QuoteSource } from './dispute-evidence-form'
import { Badge, type Tone } from './feedback'
import { Fact } from './fact'
import { dayDate } from './finance-parts'
import { PrivatePhoto } from './private-photo'

/**
 * The parts of a dispute shared by the buyer's, the shop's and the admins' pages: words for the
 * server's closed lists, what it is about and whom it waits on, its evidence, its decision, and
 * the form that adds to it. `side` is who reads it.
 */

export type DisputeSide = DisputeParty

// Keyed by the server's types: a value added there does not compile here until it has words.
export const DISPUTE_REASON_LABEL: Record<DisputeReason, string> = {
  not_received: 'It did not arrive',
  not_as_described: 'It is not as described',
  damaged: 'It arrived damaged',
  other: 'Something else',
}
export const DISPUTE_STATUS_LABEL: Record<DisputeStatus, string> = { open: 'Open', resolved: 'Resolved' }
export const DISPUTE_STATUS_TONE: Record<DisputeStatus, Tone> = { open: 'warning', resolved: 'success' }
export const DISPUTE_OUTCOME_LABEL: Record<DisputeOutcome, string> = { release: 'Released to the shop', refund: 'Refunded to the buyer', split: 'Split' }
/** Written words keep their line breaks (no stylesheet rule of its own for a dispute's few texts). */
const TEXT = { 'white-space': 'pre-line', margin: '0', 'overflow-wrap': 'anywhere' } as const
/** A quoted chat message stands apart from the words around it. */
const QUOTE = { display: 'grid', gap: '2px', margin: '0', 'padding-left': '12px', 'border-left': '3px solid var(--border)' } as const
const PARTY_LABEL: Record<DisputeParty, string> = { buyer: 'buyer', shop: 'shop', admin: 'Souk' }

export const disputeAmount = (d: Dispute, minor = d.amountMinor) => formatPrice(minor, d.currency)

/** Whom an open dispute waits on, said to `side`; null once resolved. */
export function waitingText(d: Dispute, side: DisputeSide): string | null {
  if (d.waitingOn === null) return null
  const by = dayDate(d.respondBy)
  if (d.waitingOn === 'shop') return side === 'shop' ? `Waiting on your response, by ${by}` : `Waiting on the shop’s response, until ${by}`
  if (d.waitingOn === 'buyer') {
    if (side === 'buyer') return `The shop did not respond by ${by}: you may ask Souk to decide`
    return side === 'shop' ? `Your response was due by ${by}: the buyer may ask Souk to decide` : `No response from the shop by ${by}: the buyer may ask for a decision`
  }
  if (d.decisionRequestedAt !== null) return side === 'admin' ? 'The buyer asked for a decision' : side === 'buyer' ? 'You asked Souk to decide' : 'The buyer asked Souk to decide'
  return side === 'admin' ? 'Waiting on an admin’s decision' : 'Waiting on Souk’s decision'
}

/** What the dispute is about: its status, reason, the amount held, when it was opened and whom it waits on. */
export function DisputeSummary(props: { dispute: Dispute; side: DisputeSide }) {
  const d = () => props.dispute
  return (
    <dl class="order-totals">
      <Fact term="Status">
        <Badge tone={DISPUTE_STATUS_TONE[d().status]}>
          <span data-testid="dispute-status">{DISPUTE_STATUS_LABEL[d().status]}</span>
        </Badge>
      </Fact>
      <Fact term="Problem">{DISPUTE_REASON_LABEL[d().reason]}</Fact>
      <Fact term="Payment held">{disputeAmount(d())}</Fact>
      <Fact term="Reported">{timeAgo(d().createdAt)}</Fact>
      <Show when={waitingText(d(), props.side)}>
        {(text) => (
          <Fact term="Next">
            <span data-testid="dispute-waiting">{text()}</span>
          </Fact>
        )}
      </Show>
    </dl>
  )
}

/** The chat messages an entry quotes: who wrote each, when, and its words ("Message deleted" once its author deleted it). */
function Quotes(props: { messages: QuotedMessage[] }) {
  return (
    <For each={props.messages}>
      {(message) => (
        <blockquote style={QUOTE} aria-label={`${QUOTED_FROM_LABEL[message.from]}’s message`}>
          <span class="muted">
            <strong>{QUOTED_FROM_LABEL[message.from]}</strong> · <time datetime={new Date(message.at).toISOString()}>{timeAgo(message.at)}</time>
          </span>
          <Show when={message.text} fallback={<em class="muted">Message deleted</em>}>
            {(text) => <p style={TEXT}>{text()}</p>}
          </Show>
        </blockquote>
      )}
    </For>
  )
}

/** Each word of the dispute, oldest first: who wrote it (and for whom), when, and what, with its photo and the chat messages it quotes. */
export function DisputeThread(props: { dispute: Dispute }) {
  return (
    <ol class="order-timeline" aria-label="What each side said">
      {/* By position (entries are only ever added): a dispute read again keeps its photos' images, not fetched anew. */}
      <Index each={props.dispute.evidence}>
        {(entry) => (
          <li>
            <strong>
              {entry().author ?? 'Someone'} <span class="muted">({PARTY_LABEL[entry().party]})</span>
            </strong>
            <time class="muted" datetime={new Date(entry().at).toISOString()}>
              {timeAgo(entry().at)}
            </time>
            <p style={TEXT}>{entry().text}</p>
            <Show when={entry().photo !== null || entry().messages.length > 0}>
              <div class="stack stack--tight" style={{ 'margin-top': '6px' }}>
                <Show when={entry().photo}>
                  {(photo) => <PrivatePhoto url={photo().url} width={photo().width} height={photo().height} alt={entry().text} label="Open the photo" class="gallery__thumb" />}
                </Show>
                <Quotes messages={entry().messages} />
              </div>
            </Show>
          </li>
        )}
      </Index>
    </ol>
  )
}

/** The decision once resolved: the outcome, what went to the shop and what was refunded, and the written reasons. */
export function DisputeDecision(props: { dispute: Dispute; side: DisputeSide }) {
  const d = () => props.dispute
  return (
    <div class="stack stack--tight" aria-label="Decision">
      <p>
        <strong>{DISPUTE_OUTCOME_LABEL[d().outcome ?? 'split']}</strong>
        <Show when={d().resolvedAt}>{(at) => <span class="muted"> · decided on {dayDate(at())}</span>}</Show>
      </p>
      <dl class="order-totals">
        <Fact term={props.side === 'shop' ? 'To you (before commission)' : 'To the shop'}>
          <span data-testid="dispute-to-shop">{disputeAmount(d(), d().toShopMinor ?? 0)}</span>
        </Fact>
        <Fact term={props.side === 'buyer' ? 'Refunded to you' : 'Refunded to the buyer'}>
          <span data-testid="dispute-to-buyer">{disputeAmount(d(), d().toBuyerMinor ?? 0)}</span>
        </Fact>
      </dl>
      <blockquote style={TEXT} data-testid="dispute-decision">
        {d().decision}
      </blockquote>
    </div>
  )
}

/**
 * A dispute as one side reads it: what it is about, that the money waits, what each side said, the
 * decision, and the form to add to it, which offers the messages of `quoteFrom` to quote.
 */
export function DisputeCase(props: { dispute: Dispute; side: DisputeSide; quoteFrom?: QuoteSource; onChange: (dispute: Dispute) => void }) {
  const d = () => props.dispute
  return (
    <div class="stack">
      <DisputeSummary dispute={d()} side={props.side} />
      <Show when={d().status === 'open' && props.side !== 'admin'}>
        <p>
          <strong>{props.side === 'buyer' ? 'Your payment is held until Souk decides.' : 'The payment is held until Souk decides.'}</strong>
          <Show when={props.side === 'shop' && d().shopRespondedAt === null}>
            {' '}
            Respond by {dayDate(d().respondBy)}: after that Souk may decide without your word.
          </Show>
        </p>
      </Show>
      <Show when={d().status === 'resolved'}>
        <DisputeDecision dispute={d()} side={props.side} />
      </Show>
      <DisputeThread dispute={d()} />
      <Show when={d().actions.includes('add_evidence')}>
        <EvidenceForm dispute={d()} side={props.side} quoteFrom={props.quoteFrom} onAdded={props.onChange} />
      </Show>
    </div>
  )
}
