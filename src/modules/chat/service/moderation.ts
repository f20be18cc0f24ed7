import { and, asc, count, eq, gt, inArray, lte, or, sql } from 'drizzle-orm'
import { pgErrorOf, UNIQUE_VIOLATION } from '../../../db/errors'
import { announceQueuesChanged, enteredBy } from '../../../lib/admin-queues'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { DEFAULT_LIMIT, decodeTimeCursor, type Page, toPage } from '../../../lib/pagination'
import { withEvents } from '../../../events/log'
import type { Actor } from '../../../lib/request-origin'
import { findUserById } from '../../accounts'
import { recordAudit } from '../../audit'
import { findProductsByIds } from '../../catalog'
import type { ChatModel } from '../model'
import { blocks, conversations, messageReports } from '../table'
import { deleteMessageIn, requireVisibleMessage } from './messages'
import type { ChatDeps, Conn } from './shared'

type BlockRow = typeof blocks.$inferSelect
type ReportRow = typeof messageReports.$inferSelect

const toBlock = (row: BlockRow): ChatModel.Block => ({ id: row.id, userId: row.blockedId, createdAt: row.createdAt.toISOString() })

/**
 * Blocks a user: from now on neither of us can message the other (403), and our conversations
 * show `blocked`. Blocking again answers the existing block.
 */
export async function blockUser(deps: ChatDeps, userId: string, blockedId: string): Promise<ChatModel.Block> {
  if (blockedId === userId) throw new AppError('invalid_data', 'You cannot block yourself', [{ field: 'params.userId', message: 'is you' }])
  if ((await findUserById(deps.db, blockedId)) === null) throw new AppError('not_found', 'No such user')
  return toBlock(await blockIn(deps.db, userId, blockedId, deps.clock.now()))
}

/** The block of `blockedId` by `userId`, made now unless it exists. */
async function blockIn(db: Conn, userId: string, blockedId: string, now: Date): Promise<BlockRow> {
  const [inserted] = await db
    .insert(blocks)
    .values({ id: newId('blk'), blockerId: userId, blockedId, createdAt: now })
    .onConflictDoNothing({ target: [blocks.blockerId, blocks.blockedId] })
    .returning()
  return inserted ?? (await db.select().from(blocks).where(and(eq(blocks.blockerId, userId), eq(blocks.blockedId, blockedId))))[0]!
}

/** Lifts my block of a user (nothing happens when there is none). */
export async function unblockUser(deps: ChatDeps, userId: string, blockedId: string): Promise<void> {
  await deps.db.delete(blocks).where(and(eq(blocks.blockerId, userId), eq(blocks.blockedId, blockedId)))
}

/** Reports with the names of the people in them and the product their conversation is about. */
async function toReports(db: ChatDeps['db'], rows: ReportRow[]): Promise<ChatModel.Report[]> {
  if (rows.length === 0) return []
  const userIds = [...new Set(rows.flatMap((r) => [r.reporterId, r.senderId]))]
  const conversationIds = [...new Set(rows.map((r) => r.conversationId))]
  const [people, about] = await Promise.all([
    Promise.all(userIds.map((id) => findUserById(db, id))),
    db.select({ id: conversations.id, productId: conversations.productId }).from(conversations).where(inArray(conversations.id, conversationIds)),
  ])
  const productRows = await findProductsByIds(db, about.map((c) => c.productId))
  const name = new Map(people.filter((p) => p !== null).map((p) => [p.id, p.displayName]))
  const product = new Map(productRows.map((p) => [p.id, { slug: p.slug, title: p.title }]))
  const productOf = new Map(about.map((c) => [c.id, product.get(c.productId)!]))
  // A deleted account keeps its id; its name is gone.
  const person = (id: string) => ({ id, displayName: name.get(id) ?? 'Deleted account' })
  return rows.map((row) => ({
    id: row.id,
    messageId: row.messageId,
    conversationId: row.conversationId,
    reporterId: row.reporterId,
    senderId: row.senderId,
    reporter: person(row.reporterId),
    sender: person(row.senderId),
    product: productOf.get(row.conversationId)!,
    reason: row.reason,
    details: row.details,
    body: row.body,
    status: row.status,
    resolution: row.resolution,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  }))
}

/**
 * Reports a message of the other side to the moderators, with a copy of its text. Only a
 * participant can (404 otherwise), not one's own message (403), once per message (409).
 */
export async function reportMessage(deps: ChatDeps, reporterId: string, messageId: string, input: ChatModel.ReportBody): Promise<ChatModel.Report> {
  const { message } = await requireVisibleMessage(deps, reporterId, messageId)
  if (message.senderId === reporterId) throw new AppError('forbidden', 'You cannot report your own message')
  const [row] = await deps.db
    .insert(messageReports)
    .values({
      id: newId('rpt'),
      messageId,
      conversationId: message.conversationId,
      reporterId,
      senderId: message.senderId,
      reason: input.reason,
      details: input.details?.trim() || null,
      body: message.body,
      createdAt: deps.clock.now(),
    })
    .returning()
    .catch((error: unknown) => {
      if (pgErrorOf(error)?.code === UNIQUE_VIOLATION) throw new AppError('conflict', 'You have already reported this message; a moderator will look at it')
      throw error
    })
  await announceQueuesChanged(deps.bus, row!.createdAt)
  return (await toReports(deps.db, [row!]))[0]!
}

/** Reported messages for the admins, oldest first (open ones by default). */
export async function listMessageReports(deps: ChatDeps, query: ChatModel.ReportsQuery): Promise<Page<ChatModel.Report>> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = decodeTimeCursor(query.cursor, 'rpt')
  const by = enteredBy(deps.clock.now(), query.minAgeHours)
  const rows = await deps.db
    .select()
    .from(messageReports)
    .where(
      and(
        eq(messageReports.status, query.status ?? 'open'),
        by === undefined ? undefined : lte(messageReports.createdAt, by),
        after === null ? undefined : or(gt(messageReports.createdAt, after.time), and(eq(messageReports.createdAt, after.time), gt(messageReports.id, after.id))),
      ),
    )
    .orderBy(asc(messageReports.createdAt), asc(messageReports.id))
    .limit(limit + 1)
  const page = toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id])
  return { items: await toReports(deps.db, page.items), nextCursor: page.nextCursor }
}

/**
 * An admin resolves an open report (409 when it is not open any more): `dismiss` only closes it;
 * `delete_message` deletes the message (both sides see "message deleted"; only the other participant
 * can report a message, so it has no other report); `block_sender` makes the reporter block the sender, so neither
 * can message the other. One transaction: the report is claimed first (so two moderators never both
 * act on it), then the action and its `message.moderated` entry in the audit log; if the action
 * fails, nothing of it stays and the report is still open.
 */
export async function resolveMessageReport(deps: ChatDeps, admin: Actor, reportId: string, input: ChatModel.ResolveBody): Promise<ChatModel.Report> {
  const now = deps.clock.now()
  const resolved = { status: 'resolved' as const, resolution: input.action, resolvedBy: admin.actorId, resolvedAt: now }
  const claimed = await withEvents(deps, async (tx) => {
    const [row] = await tx
      .update(messageReports)
      .set(resolved)
      .where(and(eq(messageReports.id, reportId), eq(messageReports.status, 'open')))
      .returning()
    if (row === undefined) {
      const [known] = await tx.select({ id: messageReports.id }).from(messageReports).where(eq(messageReports.id, reportId))
      throw known === undefined ? new AppError('not_found', 'No such report') : new AppError('conflict', 'This report is already resolved')
    }
    // As its sender would: the same events and unread counts as a delete from the thread.
    const events = input.action === 'delete_message' ? await deleteMessageIn(deps, tx, row.senderId, row.messageId) : []
    if (input.action === 'block_sender') await blockIn(tx, row.reporterId, row.senderId, now)
    const summary = { action: input.action, reportId: row.id, reason: row.reason, senderId: row.senderId, conversationId: row.conversationId }
    await recordAudit(tx, { by: admin, kind: 'message.moderated', subject: { type: 'message', id: row.messageId }, summary, at: now })
    return { result: row, events }
  })
  await announceQueuesChanged(deps.bus, now)
  return (await toReports(deps.db, [claimed]))[0]!
}

/** Reports against the messages a user sent (the admins' user page): how many, and how many still open. */
export async function reportsAgainstSender(db: Conn, senderId: string): Promise<{ total: number; open: number }> {
  const [row] = await db
    .select({ total: count(), open: count(sql`case when ${messageReports.status} = 'open' then 1 end`) })
    .from(messageReports)
    .where(eq(messageReports.senderId, senderId))
  return { total: row?.total ?? 0, open: row?.open ?? 0 }
}
