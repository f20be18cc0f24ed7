import { and, desc, eq, lt, or } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { DEFAULT_LIMIT, decodeTimeCursor, type Page, toPage } from '../../../lib/pagination'
import { countChatStarted, findProductsByIds, rowIsPublic } from '../../catalog'
import { findVendorById } from '../../vendors'
import type { Conversation } from '../item'
import type { ChatModel } from '../model'
import { conversationMembers, conversations } from '../table'
import { type ChatDeps, refuseIfBlocked, requireConversation, toConversations } from './shared'

/**
 * "Message seller": the one conversation of this buyer about this product, created on first use.
 * The seller is the owner of the product's shop; messaging yourself is refused, and so is a
 * seller who blocked you (or whom you blocked). Concurrent calls make one conversation: the
 * unique (product, buyer) key decides, and the loser reads the winner's row.
 */
export async function getOrCreateConversation(deps: ChatDeps, buyerId: string, productId: string): Promise<{ conversation: Conversation; created: boolean }> {
  const [existing] = await deps.db
    .select()
    .from(conversations)
    .where(and(eq(conversations.productId, productId), eq(conversations.buyerId, buyerId)))
  if (existing !== undefined) return { conversation: (await toConversations(deps.db, buyerId, [existing]))[0]!, created: false }

  const [product] = await findProductsByIds(deps.db, [productId])
  const vendor = product === undefined ? null : await findVendorById(deps.db, product.vendorId)
  if (product === undefined || vendor === null || !rowIsPublic(product, vendor.status === 'approved')) throw new AppError('not_found', 'No such product')
  if (vendor.userId === buyerId) throw new AppError('forbidden', 'You cannot message yourself about your own product')
  await refuseIfBlocked(deps.db, buyerId, vendor.userId)

  const now = deps.clock.now()
  const { row, created } = await deps.db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(conversations)
      .values({ id: newId('cnv'), productId, buyerId, sellerId: vendor.userId, createdAt: now, lastActivityAt: now })
      .onConflictDoNothing({ target: [conversations.productId, conversations.buyerId] })
      .returning()
    if (inserted === undefined) {
      const [winner] = await tx
        .select()
        .from(conversations)
        .where(and(eq(conversations.productId, productId), eq(conversations.buyerId, buyerId)))
      return { row: winner!, created: false }
    }
    await tx.insert(conversationMembers).values([
      { conversationId: inserted.id, userId: buyerId },
      { conversationId: inserted.id, userId: vendor.userId },
    ])
    await countChatStarted(tx, productId, now)
    return { row: inserted, created: true }
  })
  return { conversation: (await toConversations(deps.db, buyerId, [row]))[0]!, created }
}

/**
 * My conversations, latest activity first (cursor pages); `productId` narrows them to one product,
 * which is how a seller groups their inbox by product.
 */
export async function listConversations(deps: ChatDeps, userId: string, query: ChatModel.ListQuery): Promise<Page<Conversation>> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = decodeTimeCursor(query.cursor, 'cnv')
  const rows = await deps.db
    .select({ conversation: conversations })
    .from(conversationMembers)
    .innerJoin(conversations, eq(conversations.id, conversationMembers.conversationId))
    .where(
      and(
        eq(conversationMembers.userId, userId),
        query.productId === undefined ? undefined : eq(conversations.productId, query.productId),
        after === null
          ? undefined
          : or(lt(conversations.lastActivityAt, after.time), and(eq(conversations.lastActivityAt, after.time), lt(conversations.id, after.id))),
      ),
    )
    .orderBy(desc(conversations.lastActivityAt), desc(conversations.id))
    .limit(limit + 1)
  const page = toPage(
    rows.map((r) => r.conversation),
    limit,
    (row) => [row.lastActivityAt.toISOString(), row.id],
  )
  return { items: await toConversations(deps.db, userId, page.items), nextCursor: page.nextCursor }
}

/** One of my conversations (404 for anyone else's). */
export async function getConversation(deps: ChatDeps, userId: string, conversationId: string): Promise<Conversation> {
  const row = await requireConversation(deps.db, conversationId, userId)
  return (await toConversations(deps.db, userId, [row]))[0]!
}
