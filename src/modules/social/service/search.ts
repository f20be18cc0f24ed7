// Post search: Postgres full-text search over the text of the posts the caller may see, best
// match first, then newest. Posts are in every language, so the search vector is language-neutral
// (table.ts, posts.search: 'simple' words with accents taken off); in place of a stemmer, each
// word of two letters or more is matched as a prefix, in any language: "rug" finds "rugs",
// "knit" finds "knitted" ("rugs" does not find "rug": the price of not guessing the language).
import { and, desc, eq, inArray, type SQL, sql } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { cursorPart, decodeCursor, toPage } from '../../../lib/pagination'
import type { SocialModel } from '../model'
import { isTagName, normalizeTag, SEARCH_TAGS_MAX, SEARCH_WORDS_MAX, SOCIAL_PAGE_DEFAULT } from '../rules'
import { posts, postTags } from '../table'
import { postColumns, type SocialDeps, toPosts } from './shared'
import { visibleTo } from './visibility'

const TAG_TOKEN = /^#([\p{L}\p{N}\p{M}_]+)$/u
/** Letters, digits and their marks only: safe as to_tsquery operands, and whole words of any script. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu

/**
 * What `q` asks for: `#tag` tokens are tags (every one must be on the post), the rest are words
 * (every one must be in the text), lower-cased, the first SEARCH_WORDS_MAX and SEARCH_TAGS_MAX.
 */
export function parseSearch(q: string): { words: string[]; tags: string[] } {
  const words = new Set<string>()
  const tags = new Set<string>()
  for (const token of q.normalize('NFC').split(/\s+/)) {
    const tag = TAG_TOKEN.exec(token)?.[1]
    if (tag !== undefined && isTagName(normalizeTag(tag))) tags.add(normalizeTag(tag))
    else for (const word of token.toLowerCase().match(WORD) ?? []) words.add(word)
  }
  return { words: [...words].slice(0, SEARCH_WORDS_MAX), tags: [...tags].slice(0, SEARCH_TAGS_MAX) }
}

/** The tsquery of the words, all required, those of two letters or more as prefixes (`word:*`). */
const tsqueryOf = (words: string[]) => sql`to_tsquery('post_search', ${words.map((word) => ([...word].length >= 2 ? `${word}:*` : word)).join(' & ')})`

/**
 * ts_rank as whole millionths: a cursor compares them exactly (a float read back might not). With
 * tags alone every post ranks alike (`0::int`: a bare 0 in ORDER BY would name a column).
 */
const rankOf = (tsquery: SQL | null) => (tsquery === null ? sql<number>`0::int` : sql<number>`(ts_rank(${posts.search}, ${tsquery}) * 1000000)::int`).mapWith(Number)

/** The cursor: the last post's rank, time and id. */
const CURSOR = [cursorPart.integer(), cursorPart.time, cursorPart.id('pst')] as const

/**
 * The posts `viewerId` (null: signed out) may see whose text has every word of `q` and that carry
 * every #tag of it, best ranked first, then newest, in keyset pages. 400 when `q` has neither.
 */
export async function searchPosts(deps: SocialDeps, viewerId: string | null, query: SocialModel.SearchQuery): Promise<SocialModel.PostPage> {
  const { words, tags } = parseSearch(query.q)
  if (words.length === 0 && tags.length === 0) {
    throw new AppError('invalid_data', 'Search for a word or a #tag', [{ field: 'query.q', message: 'has no word or #tag' }])
  }
  const limit = query.limit ?? SOCIAL_PAGE_DEFAULT
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, CURSOR)
  const tsquery = words.length === 0 ? null : tsqueryOf(words)
  const rank = rankOf(tsquery)
  const rows = await deps.db
    .select({ ...postColumns, rank: rank.as('rank') })
    .from(posts)
    .where(
      and(
        tsquery === null ? undefined : sql`${posts.search} @@ ${tsquery}`,
        ...tags.map((tag) => inArray(posts.id, deps.db.select({ id: postTags.postId }).from(postTags).where(eq(postTags.tag, tag)))),
        visibleTo(viewerId),
        after === null ? undefined : sql`(${rank}, ${posts.createdAt}, ${posts.id}) < (${after[0]}, ${after[1].toISOString()}::timestamptz, ${after[2]})`,
      ),
    )
    .orderBy(desc(rank), desc(posts.createdAt), desc(posts.id))
    .limit(limit + 1)
  const page = toPage(rows, limit, (row) => [row.rank, row.createdAt.toISOString(), row.id])
  return { items: await toPosts(deps.db, page.items, viewerId, deps.clock.now()), nextCursor: page.nextCursor }
}
