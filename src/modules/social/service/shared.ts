import { and, eq, getTableColumns, inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import type { Db, Tx } from '../../../db/client'
import { type Committed, nothing, runCommitted } from '../../../events/committed'
import type { Bus } from '../../../lib/bus'
import type { Clock } from '../../../lib/clock'
import { AppError } from '../../../lib/errors'
import type { Logger } from '../../../lib/log'
import { cursorPart, decodeCursor, type Keyset, toPage } from '../../../lib/pagination'
import { type UserCard, userCards } from '../../accounts'
import { productSummariesOf, publicProductIds } from '../../catalog'
import type { AfterCommit, NotifyInput } from '../../notifications'
import type { SocialModel } from '../model'
import { EDIT_HOURS, parseTags, SOCIAL_PAGE_DEFAULT } from '../rules'
import { follows, postLikes, posts } from '../table'
import { mentionsOfPosts } from './mentions'
import { photosOf } from './photos'

export interface SocialDeps {
  db: Db
  bus: Bus
  clock: Clock
  log: Logger
  /** Notifications' notify, bound by the app: likes, comments and follows tell the person they are about. */
  notify(tx: Tx, input: NotifyInput): Promise<AfterCommit | null>
}

export type Conn = Db | Tx
export type PostRow = Omit<typeof posts.$inferSelect, 'search'>
/** Every column of a post but its search vector, which is large and never shown. */
const { search: _search, ...columns } = getTableColumns(posts)
export const postColumns = columns

const HOUR = 60 * 60_000
export const notFound = () => new AppError('not_found', 'No such post')
export const editableUntil = (row: Pick<PostRow, 'createdAt'>) => new Date(row.createdAt.getTime() + EDIT_HOURS * HOUR)

/**
 * Runs `step` in a transaction that may tell people (`tell`), then what it left once it committed:
 * a notification is recorded with the change that caused it, and pushed only when that change stands.
 */
export async function withNotices<T>(deps: SocialDeps, step: (tx: Tx, committed: Committed) => Promise<T>): Promise<T> {
  const committed = nothing()
  const result = await deps.db.transaction((tx) => step(tx, committed))
  await runCommitted(deps, 'social', committed)
  return result
}

/** Tells `input.userId` (grouped with their unread one of the type and subject; nobody about their own doing) in the caller's transaction. */
export async function tell(deps: SocialDeps, tx: Tx, committed: Committed, input: NotifyInput): Promise<void> {
  const sent = await deps.notify(tx, input)
  if (sent !== null) committed.afterCommit.push(sent)
}

/** The ids among `ids` of products that are public now (catalog's rule). */
export async function publicAmong(db: Conn, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const listed = publicProductIds(db).as('listed')
  const rows = await db.select({ id: listed.id }).from(listed).where(inArray(listed.id, [...new Set(ids)]))
  return new Set(rows.map((row) => row.id))
}

/** How a post, a comment or a list names an account (a card is missing only for an id no row has, which foreign keys rule out). */
export const authorOf = (id: string, card: UserCard | undefined): SocialModel.Author => ({
  id,
  handle: card?.handle ?? '',
  displayName: card?.displayName ?? 'Deleted account',
  avatarUrl: card?.avatarUrl ?? null,
})

/** Post rows as `viewerId` sees them: author card, tags, mentions, photos, product card (while public), likes. */
export async function toPosts(db: Conn, rows: PostRow[], viewerId: string | null, now: Date): Promise<SocialModel.Post[]> {
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  const [authors, mentions, liked, products, photos] = await Promise.all([
    userCards(db, rows.map((row) => row.authorId)),
    mentionsOfPosts(db, rows),
    viewerId === null ? [] : db.select({ postId: postLikes.postId }).from(postLikes).where(and(eq(postLikes.userId, viewerId), inArray(postLikes.postId, ids))),
    publicAmong(db, rows.flatMap((row) => (row.productId === null ? [] : [row.productId]))).then((shown) => productSummariesOf(db, [...shown], now)),
    photosOf(db, ids),
  ])
  const likedIds = new Set(liked.map((like) => like.postId))
  return rows.map((row) => {
    const mine = viewerId === row.authorId
    const open = now < editableUntil(row)
    return {
      id: row.id,
      author: authorOf(row.authorId, authors.get(row.authorId)),
      body: row.body,
      privacy: row.privacy,
      // The tags are a function of the text (post_tags indexes them for tag pages), in its order.
      tags: parseTags(row.body),
      mentions: mentions.get(row.id) ?? [],
      product: row.productId === null ? null : (products.get(row.productId) ?? null),
      media: photos.get(row.id) ?? [],
      likeCount: row.likeCount,
      likedByMe: likedIds.has(row.id),
      commentCount: row.commentCount,
      createdAt: row.createdAt,
      editedAt: row.editedAt,
      editableUntil: mine ? editableUntil(row) : null,
      canEdit: mine && open,
      canDelete: mine,
    } satisfies SocialModel.Post
  })
}

/** Accounts of a list (likes, follows) as `viewerId` sees them, with whether the viewer follows each. */
export async function toPeople(db: Conn, rows: { id: string; at: Date }[], viewerId: string | null): Promise<SocialModel.Person[]> {
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  const [cards, followed] = await Promise.all([
    userCards(db, ids),
    viewerId === null ? [] : db.select({ id: follows.followeeId }).from(follows).where(and(eq(follows.followerId, viewerId), inArray(follows.followeeId, ids))),
  ])
  const followedIds = new Set(followed.map((row) => row.id))
  return rows.map((row) => ({ ...authorOf(row.id, cards.get(row.id)), followedByMe: followedIds.has(row.id), at: row.at }))
}

/**
 * A keyset page, newest first, over `(time, id)` columns: the condition after the cursor (none on
 * the first page), the order, the limit to fetch (one more than asked, to know another page
 * exists), and how the rows fetched become the page.
 */
export function newestFirst<P extends 'pst' | 'usr'>(query: SocialModel.ListQuery, time: SQLWrapper, id: SQLWrapper, idPrefix: P) {
  const limit = query.limit ?? SOCIAL_PAGE_DEFAULT
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, [cursorPart.time, cursorPart.id(idPrefix)])
  return {
    after: after === null ? undefined : (sql`(${time}, ${id}) < (${after[0].toISOString()}::timestamptz, ${after[1]})` as SQL),
    order: [sql`${time} desc`, sql`${id} desc`],
    fetch: limit + 1,
    page: <Row>(rows: Row[], positionOf: (row: Row) => [Date, string]) =>
      toPage(rows, limit, (row): Keyset => {
        const [at, rowId] = positionOf(row)
        return [at.toISOString(), rowId]
      }),
  }
}
