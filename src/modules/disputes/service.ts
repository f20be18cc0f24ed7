// Disputes: a buyer reports a problem with a paid order whose payment is still held; the escrow is
// frozen (released neither by the buyer nor by the schedule) until an admin decides — release to
// the shop, refund to the buyer, or a split in minor units — through the ledger's two-phase
// transfer (payments' settleEscrow). Both sides add evidence; the shop answers by its deadline.
import { and, asc, desc, eq, gt, isNotNull, isNull, lte, max, or, type SQL, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client'
import { pgErrorOf } from '../../db/errors'
import { type Committed, runCommitted } from '../../events/committed'
import { appendEvent } from '../../events/log'
import { announceQueuesChanged, enteredBy } from '../../lib/admin-queues'
import type { Bus } from '../../lib/bus'
import type { Clock } from '../../lib/clock'
import { AppError } from '../../lib/errors'
import type { ProcessedImage } from '../../lib/images'
import { newId } from '../../lib/ids'
import type { Logger } from '../../lib/log'
import { actorOf, type Origin } from '../../lib/request-origin'
import { cursorPart, decodeCursor, DEFAULT_LIMIT, type Page, toPage } from '../../lib/pagination'
import { displayNames, listUsersWithRole } from '../accounts'
import { recordAudit } from '../audit'
import { type AfterSaleNote, messagesBetween, messagesOfPair, postAfterSaleNote } from '../chat'
import type { AfterCommit, NotifyInput } from '../notifications'
import { findOrder, lockOrderFor, orderItemsOf, orderLink, type OrderRow, orderRoleOf, orderStepIn, type OrdersDeps, orderTopic, saleLink } from '../orders'
import { searchTransfers } from '../ledger'
import { afterMoneyCommit, amountText, escrowOf, heldEscrow, type PaymentsDeps, setEscrowFrozen, settleEscrow } from '../payments'
import type { NewDisputeEvent } from './events'
import type { DisputesModel } from './model'
import type { DisputeParty, DisputeWaitingOn } from './status'
import { disputeEvidence, disputes } from './table'

export interface DisputesDeps {
  db: Db
  bus: Bus
  clock: Clock
  log: Logger
  orders: OrdersDeps
  payments: PaymentsDeps
  notify(tx: Tx, input: NotifyInput): Promise<AfterCommit | null>
  /** Days the shop has to respond; past them, without its word, the buyer may ask an admin to decide. */
  respondDays: number
}

type Conn = Db | Tx
type Viewer = { id: string; role: 'buyer' | 'vendor' | 'admin' }
type DisputeRow = typeof disputes.$inferSelect

const DAY = 24 * 60 * 60_000
const notFound = () => new AppError('not_found', 'No such dispute')
/** Orders a dispute may be opened on: paid and on their way (a placed order its buyer may still cancel). */
const DISPUTABLE: readonly OrderRow['status'][] = ['accepted', 'shipped', 'delivered']

/**
 * Whom an open dispute waits on: the shop until it responds or its deadline passes; then the
 * buyer, who may ask for a decision; an admin once the shop responded or the buyer asked.
 */
export function waitingOnOf(row: Pick<DisputeRow, 'status' | 'shopRespondedAt' | 'decisionRequestedAt' | 'respondBy'>, now: Date): DisputeWaitingOn | null {
  if (row.status !== 'open') return null
  if (row.shopRespondedAt !== null || row.decisionRequestedAt !== null) return 'admin'
  return now < row.respondBy ? 'shop' : 'buyer'
}

/** waitingOnOf as a condition on the disputes table (the queue's filter). */
function waitingOnWhere(on: DisputeWaitingOn, now: Date): SQL {
  const silent = and(eq(disputes.status, 'open'), isNull(disputes.shopRespondedAt), isNull(disputes.decisionRequestedAt))!
  if (on === 'shop') return and(silent, gt(disputes.respondBy, now))!
  if (on === 'buyer') return and(silent, lte(disputes.respondBy, now))!
  return and(eq(disputes.status, 'open'), or(isNotNull(disputes.shopRespondedAt), isNotNull(disputes.decisionRequestedAt)))!
}

async function toDisputes(db: Conn, rows: DisputeRow[], viewer: Viewer, now: Date): Promise<DisputesModel.Dispute[]> {
  if (rows.length === 0) return []
  // Everything but the photos' bytes (served on their own).
  const evidence = await db
    .select({
      disputeId: disputeEvidence.disputeId,
      seq: disputeEvidence.seq,
      authorId: disputeEvidence.authorId,
      party: disputeEvidence.party,
      text: disputeEvidence.text,
      photoWidth: disputeEvidence.photoWidth,
      photoHeight: disputeEvidence.photoHeight,
      messageIds: disputeEvidence.messageIds,
      createdAt: disputeEvidence.createdAt,
    })
    .from(disputeEvidence)
    .where(or(...rows.map((row) => eq(disputeEvidence.disputeId, row.id))))
    .orderBy(asc(disputeEvidence.seq))
  const names = await displayNames(db, evidence.flatMap((e) => (e.authorId === null ? [] : [e.authorId])))
  return Promise.all(
    rows.map(async (row) => {
      const order = (await findOrder(db, row.orderId))!
      const own = evidence.filter((e) => e.disputeId === row.id)
      const quoted = await messagesBetween(db, { buyerId: row.buyerId, sellerId: row.shopUserId, messageIds: own.flatMap((e) => e.messageIds) })
      const party = viewer.id === row.buyerId ? 'buyer' : viewer.id === row.shopUserId ? 'shop' : 'admin'
      const open = row.status === 'open'
      const actions: DisputesModel.Dispute['actions'] = []
      if (open) actions.push('add_evidence')
      if (open && party === 'shop' && row.shopRespondedAt === null) actions.push('respond')
      if (party === 'buyer' && waitingOnOf(row, now) === 'buyer') actions.push('request_decision')
      if (open && viewer.role === 'admin' && party === 'admin') actions.push('resolve')
      return {
        id: row.id,
        orderId: row.orderId,
        invoiceNumber: order.invoiceNumber,
        reason: row.reason,
        status: row.status,
        amountMinor: row.amountMinor,
        currency: row.currency,
        waitingOn: waitingOnOf(row, now),
        respondBy: row.respondBy,
        shopRespondedAt: row.shopRespondedAt,
        decisionRequestedAt: row.decisionRequestedAt,
        outcome: row.outcome,
        toShopMinor: row.toShopMinor,
        toBuyerMinor: row.toShopMinor === null ? null : row.amountMinor - row.toShopMinor,
        decision: row.decision,
        evidence: own.map((e) => ({
          seq: e.seq,
          party: e.party,
          author: e.authorId === null ? null : (names.get(e.authorId) ?? 'Deleted user'),
          text: e.text,
          photo: e.photoWidth === null || e.photoHeight === null ? null : { url: `/api/v1/disputes/${row.id}/evidence/${e.seq}/photo`, width: e.photoWidth, height: e.photoHeight },
          messages: e.messageIds.flatMap((id) => quoted.filter((m) => m.id === id)),
          at: e.createdAt,
        })),
        createdAt: row.createdAt,
        resolvedAt: row.resolvedAt,
        actions,
      }
    }),
  )
}

/**
 * Whether an order's buyer may open a dispute on it now: paid and on its way (accepted, shipped or
 * delivered), its payment held (not settled, nor frozen by a return or a dispute), none open. The
 * order page offers it by this rule (and so does the help assistant); openDisputeIn enforces it.
 */
export async function canOpenDispute(db: Conn, orderId: string): Promise<boolean> {
  const order = await findOrder(db, orderId)
  if (order === null || !DISPUTABLE.includes(order.status)) return false
  const [escrow, [open]] = await Promise.all([
    escrowOf(db, orderId),
    db.select({ id: disputes.id }).from(disputes).where(and(eq(disputes.orderId, orderId), eq(disputes.status, 'open'))).limit(1),
  ])
  return escrow?.state === 'held' && open === undefined
}

/** The order's latest dispute for its buyer, its shop and admins, and whether the buyer may open one now. */
export async function disputeOfOrder(deps: Pick<DisputesDeps, 'db' | 'clock'>, viewer: Viewer, orderId: string): Promise<typeof DisputesModel.orderDispute.static> {
  const role = await orderRoleOf(deps.db, viewer, orderId)
  if (role === null) throw new AppError('not_found', 'No such order')
  const [latest] = await deps.db.select().from(disputes).where(eq(disputes.orderId, orderId)).orderBy(desc(disputes.createdAt)).limit(1)
  const canOpen = role === 'buyer' && (await canOpenDispute(deps.db, orderId))
  return { dispute: latest === undefined ? null : (await toDisputes(deps.db, [latest], viewer, deps.clock.now()))[0]!, canOpen }
}

export async function getDispute(deps: Pick<DisputesDeps, 'db' | 'clock'>, viewer: Viewer, disputeId: string): Promise<DisputesModel.Dispute> {
  const [row] = await deps.db.select().from(disputes).where(eq(disputes.id, disputeId))
  if (row === undefined || (await orderRoleOf(deps.db, viewer, row.orderId)) === null) throw notFound()
  return (await toDisputes(deps.db, [row], viewer, deps.clock.now()))[0]!
}

async function addEvidenceRow(
  tx: Tx,
  disputeId: string,
  authorId: string | null,
  party: DisputeParty,
  text: string,
  now: Date,
  extra: { photo?: ProcessedImage; messageIds?: string[] } = {},
): Promise<void> {
  const [last] = await tx.select({ seq: max(disputeEvidence.seq) }).from(disputeEvidence).where(eq(disputeEvidence.disputeId, disputeId))
  await tx.insert(disputeEvidence).values({
    disputeId,
    seq: (last?.seq ?? 0) + 1,
    authorId,
    party,
    text: text.trim(),
    photo: extra.photo?.data ?? null,
    photoWidth: extra.photo?.width ?? null,
    photoHeight: extra.photo?.height ?? null,
    messageIds: extra.messageIds ?? [],
    createdAt: now,
  })
}

/** Appends `dispute.updated` on the order's topic and tells `userId` (in the app, by email as they chose). */
async function announce(deps: DisputesDeps, tx: Tx, row: DisputeRow, order: OrderRow, told: { userId: string; text: string; link: string; actorId: string | null }[], now: Date): Promise<Committed> {
  const committed: Committed = { events: [await appendEvent<NewDisputeEvent>(tx, now, { topic: orderTopic(order.id), kind: 'dispute.updated', data: { orderId: order.id, disputeId: row.id, status: row.status, at: now.toISOString() } })], afterCommit: [] }
  for (const notice of told) {
    const sent = await deps.notify(tx, { userId: notice.userId, type: 'order', actorId: notice.actorId, subject: `dispute:${row.id}`, text: `${notice.text} (order ${order.invoiceNumber})`, link: notice.link })
    if (sent !== null) committed.afterCommit.push(sent)
  }
  return committed
}

const publish = (deps: DisputesDeps, committed: Committed) => runCommitted(deps, 'disputes', committed)

/** Puts a dispute's step into the conversation of the order's buyer with its shop (one history for both), once the step committed. */
async function noteInChat(deps: DisputesDeps, tx: Tx, into: Committed, input: { row: DisputeRow; order: OrderRow; actorId: string; note: AfterSaleNote & `dispute_${string}`; text: string }): Promise<void> {
  const [first] = await orderItemsOf(tx, input.order.id)
  if (first === undefined) return
  into.afterCommit.push(() => postAfterSaleNote(deps, { buyerId: input.row.buyerId, sellerId: input.row.shopUserId, productId: first.productId, actorId: input.actorId, note: input.note, text: input.text }))
}


/**
 * The buyer reports a problem with a paid order on its way (accepted, shipped or delivered) whose
 * payment is still held: the escrow is frozen, the shop told. One open dispute per order.
 */
export async function openDispute(deps: DisputesDeps, viewer: Viewer, orderId: string, body: DisputesModel.OpenBody): Promise<DisputesModel.Dispute> {
  const now = deps.clock.now()
  const result = await deps.db.transaction((tx) => openDisputeIn(deps, tx, viewer, orderId, body)).catch((error) => {
    if (pgErrorOf(error)?.constraint === 'disputes_open_key') throw new AppError('conflict', 'A problem with this order is open already', { reason: 'dispute_open' })
    throw error
  })
  await publish(deps, result.committed)
  return (await toDisputes(deps.db, [result.row], viewer, now))[0]!
}

/** openDispute inside the caller's transaction (returns escalate a rejected return through it); answers its id and what to publish after commit. */
export async function openDisputeIn(deps: DisputesDeps, tx: Tx, viewer: Viewer, orderId: string, body: DisputesModel.OpenBody): Promise<{ row: DisputeRow; committed: Committed }> {
  const now = deps.clock.now()
  if (body.description.trim().length < 3) throw new AppError('invalid_data', 'Say what is wrong', [{ field: 'body.description', message: 'must be at least 3 characters' }])
  const found = await lockOrderFor(tx, viewer, orderId)
  if (found === null) throw new AppError('not_found', 'No such order')
  if (found.role !== 'buyer') throw new AppError('forbidden', 'The buyer reports a problem with an order')
  const { order } = found
  if (!DISPUTABLE.includes(order.status)) throw new AppError('conflict', `This order is ${order.status.replace('_', ' ')}: a problem is reported once the shop accepted it and before it is completed`, { status: order.status })
  const escrow = await heldEscrow(tx, orderId)
  if (escrow === null) throw new AppError('conflict', 'This order has no payment held: there is nothing a dispute could hold back', { status: order.status })
  if (escrow.frozenAt !== null) throw new AppError('conflict', 'A problem with this order is open already (a dispute, or a return)', { reason: 'dispute_open' })
  const row: DisputeRow = {
    id: newId('dsp'),
    orderId,
    buyerId: order.buyerId,
    shopUserId: escrow.shopUserId,
    reason: body.reason,
    status: 'open',
    amountMinor: escrow.amountMinor,
    currency: escrow.currency,
    outcome: null,
    toShopMinor: null,
    decision: null,
    decidedBy: null,
    shopRespondedAt: null,
    decisionRequestedAt: null,
    respondBy: new Date(now.getTime() + deps.respondDays * DAY),
    createdAt: now,
    resolvedAt: null,
  }
  // Two openings wait for each other on the order's lock: the second finds the escrow frozen.
  await tx.insert(disputes).values(row)
  await addEvidenceRow(tx, row.id, viewer.id, 'buyer', body.description, now)
  await setEscrowFrozen(tx, orderId, true, now)
  const committed = await announce(deps, tx, row, order, [{ userId: row.shopUserId, text: 'reported a problem: its payment is held until it is resolved', link: saleLink(orderId), actorId: viewer.id }], now)
  await noteInChat(deps, tx, committed, { row, order, actorId: viewer.id, note: 'dispute_opened', text: `Order ${order.invoiceNumber} · ${amountText(row.amountMinor, row.currency)} held` })
  committed.afterCommit.push(() => announceQueuesChanged(deps.bus, now))
  return { row, committed }
}

const PARTY_NAME: Record<DisputeParty, string> = { buyer: 'the buyer', shop: 'the shop', admin: 'Souk' }

/**
 * The buyer, the shop or an admin adds to an open dispute — words, a photo, messages of the
 * buyer's conversations with the shop quoted for the operator (each must be one of theirs: 400
 * otherwise); the shop's first word is its response (either through `/evidence` or, said
 * explicitly, `/respond`: `as: 'response'` refuses anyone but the shop (403) and a shop that
 * responded already (409)). Each addition is one line in the buyer's conversation with the shop.
 */
export async function addEvidence(
  deps: DisputesDeps,
  viewer: Viewer,
  disputeId: string,
  body: DisputesModel.EvidenceBody,
  photo?: ProcessedImage,
  options: { as?: 'response' } = {},
): Promise<DisputesModel.Dispute> {
  const now = deps.clock.now()
  if (body.text.trim().length < 3) throw new AppError('invalid_data', 'Say something', [{ field: 'body.text', message: 'must be at least 3 characters' }])
  const committed = await deps.db.transaction(async (tx) => {
    const [found] = await tx.select({ orderId: disputes.orderId }).from(disputes).where(eq(disputes.id, disputeId))
    const side = found === undefined ? null : await lockOrderFor(tx, viewer, found.orderId)
    if (side === null) throw notFound()
    const [row] = await tx.select().from(disputes).where(eq(disputes.id, disputeId)).for('update')
    if (row!.status !== 'open') throw new AppError('conflict', 'This dispute is resolved', { status: row!.status })
    const messageIds = body.messageIds ?? []
    const quoted = await messagesBetween(tx, { buyerId: row!.buyerId, sellerId: row!.shopUserId, messageIds })
    const unknown = messageIds.flatMap((id, i) => (quoted.some((m) => m.id === id) ? [] : [{ field: `body.messageIds.${i}`, message: 'is not a message between this order’s buyer and shop' }]))
    if (unknown.length > 0) throw new AppError('invalid_data', 'Only messages between the buyer and the shop can be quoted', unknown)
    const party: DisputeParty = side.role === 'buyer' ? 'buyer' : side.role === 'vendor' ? 'shop' : 'admin'
    if (options.as === 'response' && party !== 'shop') throw new AppError('forbidden', 'The shop responds to a dispute: add evidence instead')
    if (options.as === 'response' && row!.shopRespondedAt !== null) throw new AppError('conflict', 'The shop responded already: add evidence instead', { status: 'responded', step: 'respond' })
    await addEvidenceRow(tx, disputeId, viewer.id, party, body.text, now, { photo, messageIds })
    const responds = party === 'shop' && row!.shopRespondedAt === null
    if (responds) await tx.update(disputes).set({ shopRespondedAt: now }).where(eq(disputes.id, disputeId))
    const others = party === 'buyer' ? [{ userId: row!.shopUserId, link: saleLink(row!.orderId) }] : party === 'shop' ? [{ userId: row!.buyerId, link: orderLink(row!.orderId) }] : [
      { userId: row!.buyerId, link: orderLink(row!.orderId) },
      { userId: row!.shopUserId, link: saleLink(row!.orderId) },
    ]
    const told = await announce(deps, tx, row!, side.order, others.map((o) => ({ ...o, text: responds ? 'responded to the dispute' : 'added to the dispute', actorId: party === 'admin' ? null : viewer.id })), now)
    // One short line: what was added, never its words or its photo.
    const what = [photo === undefined ? null : 'a photo', messageIds.length === 0 ? null : `${messageIds.length} quoted message${messageIds.length === 1 ? '' : 's'}`].filter((x) => x !== null)
    const text = responds ? `Order ${side.order.invoiceNumber} · the shop responded` : `Order ${side.order.invoiceNumber} · evidence from ${PARTY_NAME[party]}${what.length === 0 ? '' : ` (${what.join(', ')})`}`
    await noteInChat(deps, tx, told, { row: row!, order: side.order, actorId: viewer.id, note: responds ? 'dispute_responded' : 'dispute_evidence', text })
    // Responded: it waits on an admin now (the queue's count of those).
    if (responds) told.afterCommit.push(() => announceQueuesChanged(deps.bus, now))
    return told
  })
  await publish(deps, committed)
  return getDispute(deps, viewer, disputeId)
}

/** A photo of a dispute's evidence, for the buyer, the shop and admins; null for anyone else or no such photo. */
export async function evidencePhoto(deps: Pick<DisputesDeps, 'db'>, viewer: Viewer, disputeId: string, seq: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const [row] = await deps.db
    .select({ orderId: disputes.orderId, photo: disputeEvidence.photo })
    .from(disputeEvidence)
    .innerJoin(disputes, eq(disputes.id, disputeEvidence.disputeId))
    .where(and(eq(disputeEvidence.disputeId, disputeId), eq(disputeEvidence.seq, seq)))
  if (row?.photo == null || (await orderRoleOf(deps.db, viewer, row.orderId)) === null) return null
  return row.photo
}

/**
 * The buyer asks an admin to decide: allowed once the shop let its deadline pass without a word
 * (409 before it, or once the shop responded, or once resolved). The dispute goes to the front of
 * the admins' queue and every admin is told; the step is noted in the conversation. Asking again
 * changes nothing (the order's lock and the row's serialise two at once: one effect).
 */
export async function requestDecision(deps: DisputesDeps, viewer: Viewer, disputeId: string): Promise<DisputesModel.Dispute> {
  const now = deps.clock.now()
  const committed = await deps.db.transaction(async (tx) => {
    const [found] = await tx.select({ orderId: disputes.orderId }).from(disputes).where(eq(disputes.id, disputeId))
    const side = found === undefined ? null : await lockOrderFor(tx, viewer, found.orderId)
    if (side === null) throw notFound()
    if (side.role !== 'buyer') throw new AppError('forbidden', 'The buyer asks for a decision')
    const [row] = await tx.select().from(disputes).where(eq(disputes.id, disputeId)).for('update')
    if (row!.status !== 'open') throw new AppError('conflict', 'This dispute is resolved', { status: row!.status })
    if (row!.decisionRequestedAt !== null) return null
    if (row!.shopRespondedAt !== null) throw new AppError('conflict', 'The shop responded: Souk decides once it has read both sides', { status: 'waiting_on_admin', step: 'request_decision' })
    if (now < row!.respondBy) throw new AppError('conflict', `The shop has until ${row!.respondBy.toISOString()} to respond`, { status: 'waiting_on_shop', step: 'request_decision' })
    const [asked] = await tx.update(disputes).set({ decisionRequestedAt: now }).where(and(eq(disputes.id, disputeId), isNull(disputes.decisionRequestedAt))).returning()
    const admins = (await listUsersWithRole(tx, 'admin')).filter((admin) => admin.id !== row!.buyerId && admin.id !== row!.shopUserId)
    const told = await announce(deps, tx, asked!, side.order, admins.map((admin) => ({ userId: admin.id, text: 'The buyer asks for a decision: the shop did not respond in time', link: `/admin/disputes/${disputeId}`, actorId: viewer.id })), now)
    await noteInChat(deps, tx, told, { row: asked!, order: side.order, actorId: viewer.id, note: 'dispute_decision_requested', text: `Order ${side.order.invoiceNumber} · the shop did not respond in time: the buyer asked Souk to decide` })
    told.afterCommit.push(() => announceQueuesChanged(deps.bus, now))
    return told
  })
  if (committed !== null) await publish(deps, committed)
  return getDispute(deps, viewer, disputeId)
}

/**
 * An admin decides an open dispute: `release` (all to the shop), `refund` (all back to the buyer)
 * or `split` (`toShopMinor` to the shop, the rest refunded), with a written decision both sides
 * read. The held payment moves through the ledger in this transaction; a shipped or delivered order
 * is completed, an accepted one cancelled (its stock back). Once: a resolved dispute is a 409. The
 * decision is the admin's `dispute.decided` entry of the audit log (the refund it makes, and the
 * cancellation, are theirs too).
 */
export async function resolveDispute(deps: DisputesDeps, admin: Viewer, origin: Origin, disputeId: string, body: DisputesModel.ResolveBody): Promise<DisputesModel.Dispute> {
  const now = deps.clock.now()
  const decision = body.decision.trim()
  if (decision.length < 3) throw new AppError('invalid_data', 'Write the decision: both sides read it', [{ field: 'body.decision', message: 'must be at least 3 characters' }])
  if (body.outcome === 'split' && body.toShopMinor === undefined) throw new AppError('invalid_data', 'Say what the shop gets', [{ field: 'body.toShopMinor', message: 'is required with `split`' }])
  const committed = await deps.db.transaction(async (tx) => {
    const [found] = await tx.select({ orderId: disputes.orderId }).from(disputes).where(eq(disputes.id, disputeId))
    const side = found === undefined ? null : await lockOrderFor(tx, admin, found.orderId)
    if (side === null) throw notFound()
    // An admin who is the buyer or the shop of the order does not judge it.
    if (side.role !== 'admin') throw new AppError('forbidden', 'Another admin decides a dispute you are part of')
    const [row] = await tx.select().from(disputes).where(eq(disputes.id, disputeId)).for('update')
    if (row!.status !== 'open') throw new AppError('conflict', 'This dispute is resolved already', { status: row!.status })
    const toShop = body.outcome === 'release' ? row!.amountMinor : body.outcome === 'refund' ? 0 : body.toShopMinor!
    const note = `Dispute resolved: ${decision}`
    const by = actorOf(admin, origin)
    let money: Awaited<ReturnType<typeof settleEscrow>> = { events: [], afterCommit: [] }
    let step: Awaited<ReturnType<typeof orderStepIn>>
    if (side.order.status === 'accepted') {
      // Never shipped: the only fair outcome is the buyer's money back, by cancelling the order
      // (its stock back, then its escrow refunded: products before accounts, as every step).
      if (toShop > 0) throw new AppError('invalid_data', 'This order never shipped: refund the buyer', [{ field: 'body.outcome', message: 'must be `refund` for an order that never shipped' }])
      await setEscrowFrozen(tx, row!.orderId, false, now)
      step = await orderStepIn(deps.orders, tx, admin, row!.orderId, 'cancelBySeller', { note, origin })
    } else {
      money = await settleEscrow(deps.payments, tx, row!.orderId, toShop, now, by)
      step = await orderStepIn(deps.orders, tx, 'system', row!.orderId, 'complete', { note })
    }
    const [resolved] = await tx
      .update(disputes)
      .set({ status: 'resolved', outcome: body.outcome, toShopMinor: toShop, decision, decidedBy: admin.id, resolvedAt: now })
      .where(eq(disputes.id, disputeId))
      .returning()
    const summary = { orderId: row!.orderId, outcome: body.outcome, toShopMinor: toShop, toBuyerMinor: row!.amountMinor - toShop, currency: row!.currency, decision }
    await recordAudit(tx, { by, kind: 'dispute.decided', subject: { type: 'dispute', id: disputeId }, summary, at: now })
    const told = await announce(
      deps,
      tx,
      resolved!,
      side.order,
      [
        { userId: row!.buyerId, text: 'The dispute is decided', link: orderLink(row!.orderId), actorId: null },
        { userId: row!.shopUserId, text: 'The dispute is decided', link: saleLink(row!.orderId), actorId: null },
      ],
      now,
    )
    await noteInChat(deps, tx, told, {
      row: resolved!,
      order: side.order,
      actorId: admin.id,
      note: 'dispute_resolved',
      text: `Order ${side.order.invoiceNumber} · ${amountText(toShop, row!.currency)} to the shop, ${amountText(row!.amountMinor - toShop, row!.currency)} to the buyer`,
    })
    return { money, step, told }
  })
  await afterMoneyCommit(deps.payments, committed.money)
  await publish(deps, { events: committed.step.events, afterCommit: [committed.step.afterCommit] })
  await publish(deps, committed.told)
  await announceQueuesChanged(deps.bus, now)
  return getDispute(deps, admin, disputeId)
}

/** First in the queue: open disputes whose buyer asked for a decision (0), then the rest (1). */
const queueRank = sql<number>`case when ${disputes.status} = 'open' and ${disputes.decisionRequestedAt} is not null then 0 else 1 end`

/**
 * The admins' queue: disputes of a status (open by default), those whose buyer asked for a
 * decision first, then oldest first; optionally only those waiting on one side, or opened at
 * least `minAgeHours` ago. Keyset-paged on (rank, opened, id).
 */
export async function disputeQueue(deps: Pick<DisputesDeps, 'db' | 'clock'>, admin: Viewer, query: DisputesModel.QueueQuery): Promise<Page<DisputesModel.Dispute>> {
  const now = deps.clock.now()
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, [cursorPart.integer(0, 1), cursorPart.time, cursorPart.id('dsp')])
  const by = enteredBy(now, query.minAgeHours)
  const rows = await deps.db
    .select({ row: disputes, rank: queueRank })
    .from(disputes)
    .where(
      and(
        eq(disputes.status, query.status ?? 'open'),
        query.waitingOn === undefined ? undefined : waitingOnWhere(query.waitingOn, now),
        by === undefined ? undefined : lte(disputes.createdAt, by),
        after === null
          ? undefined
          : or(
              sql`${queueRank} > ${after[0]}`,
              and(sql`${queueRank} = ${after[0]}`, or(gt(disputes.createdAt, after[1]), and(eq(disputes.createdAt, after[1]), gt(disputes.id, after[2])))),
            ),
      ),
    )
    .orderBy(asc(queueRank), asc(disputes.createdAt), asc(disputes.id))
    .limit(limit + 1)
  const page = toPage(rows, limit, ({ row, rank }) => [Number(rank), row.createdAt.toISOString(), row.id])
  return { items: await toDisputes(deps.db, page.items.map(({ row }) => row), admin, now), nextCursor: page.nextCursor }
}

/** The rest of a case for an admin: the order's ledger transfers and every message between its buyer and its shop. */
export async function disputeCase(deps: Pick<DisputesDeps, 'db'>, disputeId: string): Promise<typeof DisputesModel.adminCase.static> {
  const [row] = await deps.db.select().from(disputes).where(eq(disputes.id, disputeId))
  if (row === undefined) throw notFound()
  const ledger = await searchTransfers(deps.db, { ref: `order:${row.orderId}`, limit: 100 })
  const conversation = await messagesOfPair(deps.db, { buyerId: row.buyerId, sellerId: row.shopUserId, limit: 300 })
  return { ledger: ledger.items, conversation }
}

/** Whether a dispute was ever opened on an order (its decision settles the order's money: returns are closed then). */
export async function orderWasDisputed(db: Conn, orderId: string): Promise<boolean> {
  const [found] = await db.select({ id: disputes.id }).from(disputes).where(eq(disputes.orderId, orderId)).limit(1)
  return found !== undefined
}
