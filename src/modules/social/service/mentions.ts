// @mentions in a post's text or a comment's: resolved to live accounts when the text is written or
// edited, kept in post_mentions with the handle as written (so the text names the same person after
// a handle changes hands), and told (type `mention`) to the people they name, only while that
// person may see the text: never to its author, to someone the post's privacy or a block keeps
// out, or again on an edit to someone the text already mentioned.
import { and, eq, inArray, isNull, not } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import type { Committed } from '../../../events/committed'
import { lockTopics } from '../../../events/log'
import { HANDLE_MAX, HANDLE_MIN, usersByHandle } from '../../accounts'
import { blockedEitherWay } from '../../chat'
import type { SocialModel } from '../model'
import { MENTIONS_PER_TEXT } from '../rules'
import { posts, postMentions } from '../table'
import { type Conn, type PostRow, type SocialDeps, tell } from './shared'
import { visibleTo } from './visibility'

/**
 * An @mention: `@` then a handle's characters (accounts: ASCII letters, digits, `_`, any case). The
 * `@` starts a word (not an email's `ana@souk.test`, not a link's `/@ana`, not `@@`), and the handle
 * is the whole run after it: a run too long, or one going on in another script (`@josé`), or a
 * fediverse address (`@ana@example.social`) names no one here.
 */
const MENTION = new RegExp(`(?<![\\p{L}\\p{N}\\p{M}_@/.+-])@([A-Za-z0-9_]{${HANDLE_MIN},${HANDLE_MAX}})(?![\\p{L}\\p{N}\\p{M}_@])`, 'gu')

/** The distinct handles @mentioned in a text, lower-cased, in order of first appearance, at most MENTIONS_PER_TEXT. */
export function parseMentions(body: string): string[] {
  const handles = new Set<string>()
  for (const match of body.matchAll(MENTION)) {
    handles.add(match[1]!.toLowerCase())
    if (handles.size === MENTIONS_PER_TEXT) break
  }
  return [...handles]
}

/** A text that may mention people: a post's own (`commentId` null) or one of its comments'. */
interface Text {
  post: Pick<PostRow, 'id'>
  commentId: string | null
  authorId: string
  body: string
}

type MentionRow = typeof postMentions.$inferSelect

const ofText = (text: Pick<Text, 'post' | 'commentId'>) =>
  and(eq(postMentions.postId, text.post.id), text.commentId === null ? isNull(postMentions.commentId) : eq(postMentions.commentId, text.commentId))

/**
 * Makes the text's `post_mentions` rows follow its body: a handle still in it keeps its row (the
 * person it named when first written), a handle gone loses it, a new handle is resolved to a live
 * account (none: plain text). Answers the accounts the text did not mention before.
 */
async function syncMentions(tx: Tx, text: Text): Promise<string[]> {
  const handles = parseMentions(text.body)
  const before = await tx.select().from(postMentions).where(ofText(text))
  const gone = before.filter((row) => !handles.includes(row.handle)).map((row) => row.handle)
  if (gone.length > 0) await tx.delete(postMentions).where(and(ofText(text), inArray(postMentions.handle, gone)))
  const kept = before.filter((row) => handles.includes(row.handle))
  const known = new Set(kept.map((row) => row.handle))
  const resolved = await usersByHandle(
    tx,
    handles.filter((handle) => !known.has(handle)),
  )
  const added = [...resolved].map(([handle, userId]) => ({ postId: text.post.id, commentId: text.commentId, handle, userId }))
  if (added.length > 0) await tx.insert(postMentions).values(added)
  const mentionedBefore = new Set(kept.map((row) => row.userId))
  return [...new Set(added.map((row) => row.userId))].filter((userId) => !mentionedBefore.has(userId))
}

/** Whether `userId` may read the text: they may see its post, and no block stands between them and a comment's author. */
async function mayRead(tx: Tx, userId: string, text: Text): Promise<boolean> {
  const [row] = await tx
    .select({ id: posts.id })
    .from(posts)
    .where(and(eq(posts.id, text.post.id), visibleTo(userId), text.commentId === null ? undefined : not(blockedEitherWay(userId, text.authorId))))
  return row !== undefined
}

/**
 * Records the text's mentions in the caller's transaction (which has written the text) and tells
 * each person newly mentioned who may read it, but not its author and not those in `told` (whom
 * the same step tells of the text itself, after this: a comment's post author and the author
 * replied to). One notification per post while unread ("Ana and 2 others mentioned you"), whether
 * in it or its comments. Called before the step tells anyone else.
 */
export async function recordMentions(deps: SocialDeps, tx: Tx, committed: Committed, text: Text, told: readonly string[] = []): Promise<void> {
  const recipients: string[] = []
  for (const userId of await syncMentions(tx, text)) {
    if (userId !== text.authorId && !told.includes(userId) && (await mayRead(tx, userId, text))) recipients.push(userId)
  }
  // Every user: topic the step appends to, locked at once in one order: two steps telling
  // overlapping people (up to MENTIONS_PER_TEXT each) never wait on each other in a circle.
  await lockTopics(tx, [...told, ...recipients].map((userId) => `user:${userId}`))
  for (const userId of recipients) {
    const inComment = text.commentId !== null
    await tell(deps, tx, committed, {
      userId,
      type: 'mention',
      actorId: text.authorId,
      subject: `post:${text.post.id}`,
      text: inComment ? 'mentioned you in a comment' : 'mentioned you in a post',
      link: inComment ? `/posts/${text.post.id}#comments` : `/posts/${text.post.id}`,
    })
  }
}

/** The mentions of texts in their order of appearance (rows whose handle an edit removed are not shown). */
function inTextOrder(body: string, rows: MentionRow[]): SocialModel.Mention[] {
  const byHandle = new Map(rows.map((row) => [row.handle, row.userId]))
  return parseMentions(body).flatMap((handle) => {
    const userId = byHandle.get(handle)
    return userId === undefined ? [] : [{ handle, userId }]
  })
}

function grouped(rows: MentionRow[], key: (row: MentionRow) => string): Map<string, MentionRow[]> {
  const groups = new Map<string, MentionRow[]>()
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row])
  return groups
}

/** The resolved mentions of posts' own texts, by post id. */
export async function mentionsOfPosts(db: Conn, rows: Pick<PostRow, 'id' | 'body'>[]): Promise<Map<string, SocialModel.Mention[]>> {
  if (rows.length === 0) return new Map()
  const found = await db
    .select()
    .from(postMentions)
    .where(and(inArray(postMentions.postId, rows.map((row) => row.id)), isNull(postMentions.commentId)))
  const byPost = grouped(found, (row) => row.postId)
  return new Map(rows.map((row) => [row.id, inTextOrder(row.body, byPost.get(row.id) ?? [])]))
}

/** The resolved mentions of comments' texts, by comment id (comments of one post). */
export async function mentionsOfComments(db: Conn, postId: string, rows: { id: string; body: string }[]): Promise<Map<string, SocialModel.Mention[]>> {
  if (rows.length === 0) return new Map()
  const found = await db
    .select()
    .from(postMentions)
    .where(and(eq(postMentions.postId, postId), inArray(postMentions.commentId, rows.map((row) => row.id))))
  const byComment = grouped(found, (row) => row.commentId!)
  return new Map(rows.map((row) => [row.id, inTextOrder(row.body, byComment.get(row.id) ?? [])]))
}
