import { and, asc, eq, gt, inArray, or } from 'drizzle-orm'
import { pgErrorOf, UNIQUE_VIOLATION } from '../../../db/errors'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { DEFAULT_LIMIT, decodeTimeCursor, type Page, toPage } from '../../../lib/pagination'
import { findUserById } from '../../accounts'
import { findProductsByIds } from '../../catalog'
import type { ChatModel } from '../model'
import { blocks, conversations, messageReports } from '../table'
import { deleteMessage, requireVisibleMessage } from './messages'
import type { ChatDeps } from './shared'

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
  const pair = and(eq(blocks.blockerId, userId), eq(blocks.blockedId, blockedId))
  const [inserted] = await deps.db
    .insert(blocks)
    .values({ id: newId('blk'), blockerId: userId, blockedId, createdAt: deps.clock.now() })
    .onConflictDoNothing({ target: [blocks.blockerId, blocks.blockedId] })
    .returning()
  const row = inserted ?? (await deps.db.select().from(blocks).where(pair))[0]!
  return toBlock(row)
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
  return (await toReports(deps.db, [row!]))[0]!
}

/** Reported messages for the admins, oldest first (open ones by default). */
export async function listMessageReports(deps: ChatDeps, query: { status?: 'open' | 'resolved'; cursor?: string; limit?: number }): Promise<Page<ChatModel.Report>> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = decodeTimeCursor(query.cursor, 'rpt')
  const rows = await deps.db
    .select()
    .from(messageReports)
    .where(
      and(
        eq(messageReports.status, query.status ?? 'open'),
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
 * can message the other. The report is claimed first, so two moderators never both act on it; if
 * the action then fails, it goes back to the queue.
 */
export async function resolveMessageReport(deps: ChatDeps, adminId: string, reportId: string, input: ChatModel.ResolveBody): Promise<ChatModel.Report> {
  const resolved = { status: 'resolved' as const, resolution: input.action, resolvedBy: adminId, resolvedAt: deps.clock.now() }
  const [claimed] = await deps.db
    .update(messageReports)
    .set(resolved)
    .where(and(eq(messageReports.id, reportId), eq(messageReports.status, 'open')))
    .returning()
  if (claimed === undefined) {
    const [known] = await deps.db.select({ id: messageReports.id }).from(messageReports).where(eq(messageReports.id, reportId))
    throw known === undefined ? new AppError('not_found', 'No such report') : new AppError('conflict', 'This report is already resolved')
  }
  try {
    // As its sender would: the same events and unread counts as a delete from the thread.
    if (input.action === 'delete_message') await deleteMessage(deps, claimed.senderId, claimed.messageId)
    if (input.action === 'block_sender') await blockUser(deps, claimed.reporterId, claimed.senderId)
  } catch (error) {
    await deps.db.update(messageReports).set({ status: 'open', resolution: null, resolvedBy: null, resolvedAt: null }).where(eq(messageReports.id, reportId))
    throw error
  }
  return (await toReports(deps.db, [claimed]))[0]!
}
