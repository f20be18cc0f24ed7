// Retrieval, before any wording: help articles that match the question well enough (help's
// full-text search, above MIN_ARTICLE_RANK), and the intents answered from the asker's OWN records
// through the other modules' front doors — their orders and parcels, their held payments and
// sales, the return windows of their arrived orders, their wallet. Every record read here is the
// asker's: orders by `buyer_id`, escrows by buyer or shop owner, balances by owner.
import { AppError } from '../../../lib/errors'
import type { CurrentUser } from '../../accounts'
import { type HelpHit, searchHelpArticles } from '../../help'
import { allBalancesOf } from '../../ledger'
import { buyerOrderSummary, invoiceNumbersOf, orderLink, type OrderStatus, saleLink } from '../../orders'
import { amountText, type HeldEscrow, heldEscrowsOf } from '../../payments'
import { returnsOfOrder } from '../../returns'
import { parcelsOf } from '../../shipments'
import type { GroundingRecord } from '../language-model/prompt'
import { escapeMarkdown } from '../markdown'
import type { Citation } from '../model'
import type { AssistantDeps } from './shared'

/**
 * Below this rank (help's `rank`: cover density normalised to 0..1) an article is not taken as an
 * answer. Measured on the seeded articles: a question's subject in an article's title or keywords
 * ranks 0.6–0.9; one incidental word of the body, 0.3–0.45.
 */
export const MIN_ARTICLE_RANK = 0.5
const ARTICLES_MAX = 3
const ORDERS_MAX = 5
const ESCROWS_MAX = 5
/** Arrived orders whose return window an answer names. */
const RETURNS_MAX = 3

export type Intent = 'order' | 'escrow' | 'return' | 'balance'

/** An intent is about the asker's own things: "where is MY order", "how do I return this". */
const FIRST_PERSON = /\b(i|i'm|i've|me|my|mine)\b/

/**
 * What each intent is asked with (English; the help centre's language): every pattern must match,
 * with FIRST_PERSON. Several intents may match one question; each is answered.
 */
const INTENT_PATTERNS: Record<Intent, RegExp[]> = {
  order: [/\b(where|track(ing)?|status|arriv\w*|deliver\w*|ship(ped|ping)?|late|when)\b/, /\b(orders?|parcels?|packages?|deliver(y|ies)|shipments?)\b/],
  escrow: [/\b(money|payments?|paid|pay|funds|payouts?|escrow|earnings?|sales?)\b/, /\b(releas\w*|held|hold|frozen|when|get paid|receive)\b/],
  return: [/\b(return\w*|send (it|this|them) back|refund\w*)\b/],
  balance: [/\b(balance|wallet|how much money)\b/],
}

export function intentsOf(question: string): Intent[] {
  const text = question.toLowerCase().replaceAll('’', "'")
  if (!FIRST_PERSON.test(text)) return []
  return (Object.keys(INTENT_PATTERNS) as Intent[]).filter((intent) => INTENT_PATTERNS[intent].every((pattern) => pattern.test(text)))
}

/** One intent answered from the asker's records: Markdown, what it cites, and the same facts for a model. */
export interface Section {
  intent: Intent
  markdown: string
  citations: Citation[]
  records: GroundingRecord[]
}

export interface Retrieved {
  articles: HelpHit[]
  sections: Section[]
  /** A guest asked about their own orders, payments or wallet: they must sign in first. */
  signInNeeded: boolean
}

const articleUrl = (slug: string) => `/help/articles/${slug}`
const day = (at: Date) => at.toISOString().slice(0, 10)
/** A moment to the minute, in UTC and saying so: a deadline or a release is not a whole day. */
const moment = (at: Date) => `${day(at)} at ${at.toISOString().slice(11, 16)} UTC`

const STATUS_TEXT: Record<OrderStatus, string> = {
  pending_payment: 'waiting for your payment',
  placed: 'placed, waiting for the shop to accept it',
  accepted: 'accepted by the shop, being prepared',
  shipped: 'shipped',
  delivered: 'delivered',
  completed: 'completed',
  cancelled: 'cancelled',
}
const PARCEL_TEXT: Record<string, string> = {
  pending: 'handed to the carrier soon',
  in_transit: 'in transit',
  out_for_delivery: 'out for delivery',
  delivered: 'delivered',
  failed: 'delivery failed (the carrier will try again)',
  returned_to_sender: 'returned to the shop',
  ready_for_pickup: 'ready for pick-up at the shop',
  picked_up: 'picked up',
}

/** The help articles that answer `question` well enough; a question without a searchable word finds none. */
export async function articlesFor(deps: Pick<AssistantDeps, 'db'>, question: string): Promise<HelpHit[]> {
  try {
    const hits = await searchHelpArticles(deps.db, question, { limit: ARTICLES_MAX })
    return hits.filter((hit) => hit.rank >= MIN_ARTICLE_RANK)
  } catch (error) {
    if (error instanceof AppError && error.type === 'invalid_data') return []
    throw error
  }
}

export const articleCitation = (hit: HelpHit): Citation => ({ kind: 'article', label: hit.title, url: articleUrl(hit.slug) })

/** Retrieval for one question: articles, and the intents answered from the asker's records (a guest's: none, sign in). */
export async function retrieve(deps: AssistantDeps, asker: CurrentUser | null, question: string): Promise<Retrieved> {
  const intents = intentsOf(question)
  const articles = await articlesFor(deps, question)
  if (asker === null) return { articles, sections: [], signInNeeded: intents.length > 0 }
  const sections: Section[] = []
  for (const intent of intents) sections.push(await SECTIONS[intent](deps, asker))
  return { articles, sections, signInNeeded: false }
}

const SECTIONS: Record<Intent, (deps: AssistantDeps, asker: CurrentUser) => Promise<Section>> = {
  order: ordersSection,
  escrow: escrowSection,
  return: returnsSection,
  balance: balanceSection,
}

async function ordersSection(deps: AssistantDeps, asker: CurrentUser): Promise<Section> {
  const { latest } = await buyerOrderSummary(deps.db, asker.id, ORDERS_MAX)
  if (latest.length === 0) return { intent: 'order', markdown: 'You have no orders yet.', citations: [], records: [] }
  const ids = latest.map((order) => order.id)
  const [invoices, parcels] = await Promise.all([invoiceNumbersOf(deps.db, ids), parcelsOf(deps.db, ids)])
  const lines: string[] = []
  const citations: Citation[] = []
  const records: GroundingRecord[] = []
  for (const order of latest) {
    const label = `Order ${invoices.get(order.id) ?? order.id}`
    const url = orderLink(order.id)
    const facts = [`${STATUS_TEXT[order.status]}; ${amountText(order.totalMinor, order.currency)}; placed on ${day(order.createdAt)}.`]
    for (const parcel of parcels.filter((p) => p.orderId === order.id)) {
      // The carrier's name, the tracking number and its link are the shop's words: shown as text,
      // and the link not followed from here but from the order page, where the tracking is.
      const link = parcel.trackingUrl === null ? '' : ` (its tracking link is on [the order page](${url}))`
      const tracking = parcel.trackingNumber === null ? '' : `, tracking ${escapeMarkdown(parcel.trackingNumber)}${link}`
      const expected = parcel.estimatedDelivery === null || parcel.status === 'delivered' ? '' : `, expected on ${parcel.estimatedDelivery}`
      facts.push(`Parcel with ${escapeMarkdown(parcel.carrierName)}: ${PARCEL_TEXT[parcel.status] ?? parcel.status}${tracking}${expected}.`)
    }
    lines.push(`- [${escapeMarkdown(label)}](${url}): ${facts.join(' ')}`)
    citations.push({ kind: 'order', label, url })
    records.push({ label, url, facts: facts.join(' ') })
  }
  return { intent: 'order', markdown: `Your latest orders:\n${lines.join('\n')}`, citations, records }
}

async function escrowSection(deps: AssistantDeps, asker: CurrentUser): Promise<Section> {
  const held = await heldEscrowsOf(deps.db, asker.id, ESCROWS_MAX)
  if (held.length === 0) return { intent: 'escrow', markdown: 'None of your payments or sales is held right now.', citations: [], records: [] }
  const lines: string[] = []
  const citations: Citation[] = []
  const records: GroundingRecord[] = []
  for (const escrow of held) {
    const amount = amountText(escrow.amountMinor, escrow.currency)
    const when = escrow.frozen
      ? 'stays held until the problem reported on the order (a dispute or a return) is settled'
      : escrow.releaseAfter === null
        ? 'is released when the buyer confirms receipt, or automatically some days after delivery'
        : // Released by an hourly job once due: within the hour after, never before.
          `is released within the hour after ${moment(escrow.releaseAfter)}, or sooner when the buyer confirms receipt`
    const label = escrow.side === 'shop' ? `Sale ${escrow.invoiceNumber}` : `Payment for order ${escrow.invoiceNumber}`
    const url = escrow.side === 'shop' ? saleLink(escrow.orderId) : orderLink(escrow.orderId)
    const facts = escrow.side === 'shop' ? saleFacts(escrow, when) : `Your payment of ${amount} is held for the shop and ${when}.`
    lines.push(`- [${escapeMarkdown(label)}](${url}): ${facts}`)
    citations.push({ kind: 'escrow', label, url })
    records.push({ label, url, facts })
  }
  return { intent: 'escrow', markdown: `Money held in escrow:\n${lines.join('\n')}`, citations, records }
}

/** A shop's held sale: what reaches its wallet, Souk's commission deducted at release (a dispute's decision may change the amount). */
function saleFacts(escrow: HeldEscrow, when: string): string {
  const gross = amountText(escrow.amountMinor, escrow.currency)
  if (escrow.frozen) return `${gross} from this sale ${when}; the settlement says how much of it comes to your wallet, less Souk’s commission on that part.`
  const net = amountText(escrow.amountMinor - escrow.commissionMinor, escrow.currency)
  return `${net} from this sale (${gross} less Souk’s commission of ${amountText(escrow.commissionMinor, escrow.currency)}) ${when}, to your wallet.`
}

async function returnsSection(deps: AssistantDeps, asker: CurrentUser): Promise<Section> {
  const { latest } = await buyerOrderSummary(deps.db, asker.id, ORDERS_MAX * 2)
  const arrived = latest.filter((order) => order.status === 'delivered' || order.status === 'completed').slice(0, RETURNS_MAX)
  if (arrived.length === 0) return { intent: 'return', markdown: 'None of your orders has arrived yet: a return is asked for once an order is delivered.', citations: [], records: [] }
  const invoices = await invoiceNumbersOf(deps.db, arrived.map((order) => order.id))
  const now = deps.clock.now()
  const lines: string[] = []
  const citations: Citation[] = []
  const records: GroundingRecord[] = []
  for (const order of arrived) {
    const { windowEndsAt, canRequest } = await returnsOfOrder(deps.returns, asker, order.id)
    const label = `Return of order ${invoices.get(order.id) ?? order.id}`
    const url = `${orderLink(order.id)}#returns`
    const facts =
      windowEndsAt === null
        ? 'This shop does not take returns.'
        : canRequest
          ? `You can ask for a return until ${moment(windowEndsAt)}: open the order and choose “Return items”.`
          : windowEndsAt < now
            ? `Its return window closed on ${moment(windowEndsAt)}.`
            : `A return cannot be asked for now (one is open, the items were all returned, or a dispute holds the order); the window ends on ${moment(windowEndsAt)}.`
    lines.push(`- [${escapeMarkdown(label)}](${url}): ${facts}`)
    citations.push({ kind: 'return', label, url })
    records.push({ label, url, facts })
  }
  return { intent: 'return', markdown: `Your arrived orders:\n${lines.join('\n')}`, citations, records }
}

async function balanceSection(deps: AssistantDeps, asker: CurrentUser): Promise<Section> {
  const balances = await allBalancesOf(deps.db, asker.id)
  const url = '/wallet'
  if (balances.length === 0) return { intent: 'balance', markdown: `Your [wallet](${url}) is empty.`, citations: [{ kind: 'balance', label: 'Wallet', url }], records: [{ label: 'Wallet', url, facts: 'The wallet is empty.' }] }
  const lines: string[] = []
  const citations: Citation[] = []
  const records: GroundingRecord[] = []
  for (const balance of balances) {
    const label = `Wallet (${balance.currency})`
    const parts = [`${amountText(balance.availableMinor, balance.currency)} available`]
    if (balance.heldMinor > 0) parts.push(`${amountText(balance.heldMinor, balance.currency)} paid for orders and held for their shops`)
    if (balance.incomingMinor > 0) parts.push(`${amountText(balance.incomingMinor, balance.currency)} coming from your sales once released (before Souk’s commission)`)
    // Out of the wallet already, not yet paid out: without it, "available" would look short.
    if (balance.outgoingMinor > 0) parts.push(`${amountText(balance.outgoingMinor, balance.currency)} being withdrawn (waiting for Souk to pay it out)`)
    const facts = `${parts.join('; ')}.`
    lines.push(`- [${label}](${url}): ${facts}`)
    citations.push({ kind: 'balance', label, url })
    records.push({ label, url, facts })
  }
  return { intent: 'balance', markdown: `Your balance:\n${lines.join('\n')}`, citations, records }
}
