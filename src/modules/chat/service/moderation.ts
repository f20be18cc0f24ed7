import { and, asc, eq, gt, or } from 'drizzle-orm'
import { pgErrorOf, UNIQUE_VIOLATION } from '../../../db/errors'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { DEFAULT_LIMIT, type Page, toPage } from '../../../lib/pagination'
import { findUserById } from '../../accounts/service/users'
import type { ChatModel } from '../model'
import { blocks, messageReports } from '../table'
import { requireVisibleMessage } from './messages'
import { type ChatDeps, decodeTimeCursor } from './shared'

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

const toReport = (row: ReportRow): ChatModel.Report => ({
  id: row.id,
  messageId: row.messageId,
  conversationId: row.conversationId,
  reporterId: row.reporterId,
  senderId: row.senderId,
  reason: row.reason,
  details: row.details,
  body: row.body,
  createdAt: row.createdAt.toISOString(),
})

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
  return toReport(row!)
}

/** Reported messages for the admins, oldest first. */
export async function listMessageReports(deps: ChatDeps, query: { cursor?: string; limit?: number }): Promise<Page<ChatModel.Report>> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = decodeTimeCursor(query.cursor)
  const rows = await deps.db
    .select()
    .from(messageReports)
    .where(
      after === null ? undefined : or(gt(messageReports.createdAt, after.time), and(eq(messageReports.createdAt, after.time), gt(messageReports.id, after.id))),
    )
    .orderBy(asc(messageReports.createdAt), asc(messageReports.id))
    .limit(limit + 1)
  return toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id], toReport)
}
