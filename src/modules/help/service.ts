// The help centre: articles admins write in Markdown, read by visitors (published ones only) and
// searched with Postgres full-text search (table.ts: English stems, accents ignored, title and
// keywords above the body). Every admin change is one audit entry in its own transaction.
import { and, asc, desc, eq, type SQL, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client'
import { pgErrorOf, UNIQUE_VIOLATION } from '../../db/errors'
import type { Bus } from '../../lib/bus'
import type { Clock } from '../../lib/clock'
import { AppError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { invalidatePages } from '../../lib/page-invalidation'
import type { Actor } from '../../lib/request-origin'
import { type AuditSummary, recordAudit } from '../audit'
import { type HelpCategory, HELP_LIMITS } from './categories'
import type { HelpHit, HelpModel } from './model'
import { helpArticles } from './table'

type Conn = Db | Tx
type Row = typeof helpArticles.$inferSelect

export interface HelpDeps {
  db: Db
  bus: Bus
  clock: Clock
}

/** The most characters of a list's excerpt. */
const EXCERPT_MAX = 200
/** The most words of a search that count (a pasted paragraph asks no better question). */
const SEARCH_WORDS_MAX = 20
/** Letters, digits and their marks: whole words of any script, and nothing websearch_to_tsquery reads as an operator. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu

/**
 * The body as plain text, in SQL (so search excerpts are cut from it): links and images keep their
 * text, line marks (headings, quotes, list bullets and numbers) and emphasis marks go.
 */
const plainOf = (body: SQL | typeof helpArticles.body): SQL<string> => sql`regexp_replace(regexp_replace(regexp_replace(${body}, ${'!?\\[([^\\]]*)\\]\\([^)]*\\)'}, ${'\\1'}, 'g'), ${'^[ \\t]*(#{1,6}|>|[-*+]|[0-9]+[.)])[ \\t]+'}, '', 'gn'), ${'[*_`]+'}, '', 'g')`
const plainBody = plainOf(helpArticles.body)

/** Whitespace made single spaces, cut at a word within `max` characters (with an ellipsis when cut). */
function flatten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat.length <= max) return flat
  const cut = flat.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`
}

const isPublished = eq(helpArticles.published, true)

/** The published articles (of one category), by title: what a list shows of each. */
export async function listHelpArticles(db: Conn, filter: { category?: HelpCategory } = {}): Promise<HelpModel.ArticleSummary[]> {
  const rows = await db
    .select({ slug: helpArticles.slug, title: helpArticles.title, category: helpArticles.category, plain: plainOf(sql`left(${helpArticles.body}, ${EXCERPT_MAX * 4})`) })
    .from(helpArticles)
    .where(and(isPublished, filter.category === undefined ? undefined : eq(helpArticles.category, filter.category)))
    .orderBy(asc(helpArticles.title), asc(helpArticles.slug))
  return rows.map(({ plain, ...row }) => ({ ...row, excerpt: flatten(plain, EXCERPT_MAX) }))
}

/** A published article by its slug; null when there is none, or it is not published. */
export async function findHelpArticle(db: Conn, slug: string): Promise<HelpModel.Article | null> {
  const [row] = await db
    .select({ slug: helpArticles.slug, title: helpArticles.title, category: helpArticles.category, body: helpArticles.body, keywords: helpArticles.keywords, updatedAt: helpArticles.updatedAt })
    .from(helpArticles)
    .where(and(isPublished, eq(helpArticles.slug, slug)))
  return row ?? null
}

/**
 * The published articles that match `query`, best first: those with every word of it first, then
 * by `rank` (ts_rank_cd over any of its words: a word in the title or keywords weighs more than in
 * the text; scaled to 0–1). Words match by their English stem, case and accents ignored. A query
 * without a word (only punctuation) is a 400; one of stop words alone ("where is my") finds nothing.
 */
export async function searchHelpArticles(db: Conn, query: string, opts: { limit: number }): Promise<HelpHit[]> {
  const found = query.normalize('NFC').toLowerCase().match(WORD) ?? []
  if (found.length === 0) throw new AppError('invalid_data', 'Search for a word', [{ field: 'query.q', message: 'has no word' }])
  // The words alone carry no operator but `or` (a stop word: nothing is lost without it), so
  // websearch_to_tsquery reads them joined by `or` as any of them, and plainto_tsquery as all.
  const words = found.filter((word) => word !== 'or').slice(0, SEARCH_WORDS_MAX)
  if (words.length === 0) return []
  const anyWord = sql`websearch_to_tsquery('help_search', ${words.join(' or ')})`
  const everyWord = sql`plainto_tsquery('help_search', ${words.join(' ')})`
  const rank = sql<number>`ts_rank_cd(${helpArticles.search}, ${anyWord}, 32)`.mapWith(Number)
  const complete = sql<boolean>`${helpArticles.search} @@ ${everyWord}`
  const limit = Math.min(Math.max(opts.limit, 1), HELP_LIMITS.searchMax)
  // The best `limit` first, then an excerpt of those only (ts_headline reads the whole text).
  const best = db
    .select({ slug: helpArticles.slug, title: helpArticles.title, category: helpArticles.category, plain: plainBody.as('plain'), rank: rank.as('rank'), complete: complete.as('complete') })
    .from(helpArticles)
    .where(and(isPublished, sql`${helpArticles.search} @@ ${anyWord}`))
    .orderBy(desc(complete), desc(rank), asc(helpArticles.title))
    .limit(limit)
    .as('best')
  const rows = await db
    .select({
      slug: best.slug,
      title: best.title,
      category: best.category,
      rank: best.rank,
      excerpt: sql<string>`ts_headline('help_search', ${best.plain}, ${anyWord}, 'StartSel="", StopSel="", MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "')`,
    })
    .from(best)
    .orderBy(desc(best.complete), desc(best.rank), asc(best.title))
  return rows.map((row) => ({ ...row, rank: Number(row.rank), excerpt: flatten(row.excerpt, EXCERPT_MAX * 2) }))
}

/** Published articles as site paths, with when each last changed (the sitemap). */
export async function helpSitemapEntries(db: Conn): Promise<{ path: string; updatedAt: Date }[]> {
  const rows = await db.select({ slug: helpArticles.slug, updatedAt: helpArticles.updatedAt }).from(helpArticles).where(isPublished).orderBy(desc(helpArticles.updatedAt))
  return rows.map((row) => ({ path: `/help/articles/${row.slug}`, updatedAt: row.updatedAt }))
}

const toAdmin = ({ search: _search, ...row }: Row): HelpModel.AdminArticle => row

/** Every article, published or not, by category then title (the admins' list). */
export async function listArticlesForAdmin(db: Conn): Promise<HelpModel.AdminArticle[]> {
  const rows = await db.select().from(helpArticles).orderBy(asc(helpArticles.category), asc(helpArticles.title))
  return rows.map(toAdmin)
}

/** Keywords trimmed, lower-cased, once each, empty ones dropped. */
const cleanKeywords = (keywords: string[]) => [...new Set(keywords.map((k) => k.trim().toLowerCase()).filter((k) => k !== ''))]

function cleanTitle(title: string): string {
  const trimmed = title.trim()
  if (trimmed.length < HELP_LIMITS.titleMin) throw new AppError('invalid_data', 'The title is too short', [{ field: 'body.title', message: `must have at least ${HELP_LIMITS.titleMin} characters besides spaces` }])
  if (/[\p{Cc}]/u.test(trimmed)) throw new AppError('invalid_data', 'The title is one line', [{ field: 'body.title', message: 'must be one line without control characters' }])
  return trimmed
}

function slugConflict(error: unknown): unknown {
  const pg = pgErrorOf(error)
  if (pg?.code === UNIQUE_VIOLATION && pg.constraint === 'help_articles_slug_key') {
    return new AppError('conflict', 'An article with this slug exists', [{ field: 'body.slug', message: 'is taken' }])
  }
  return error
}

/** What an audit entry says of an article: enough to know which, never its text. */
const auditOf = (row: Row): AuditSummary => ({ slug: row.slug, title: row.title, category: row.category, published: row.published })

/** Cached anonymous pages of the help centre show articles: drop them on every instance. */
const helpChanged = (bus: Bus) => invalidatePages(bus, ['/help'])

/** An admin writes an article (unpublished unless said), audited `help.article_created`. 409 when its slug is taken. */
export async function createHelpArticle(deps: HelpDeps, by: Actor, input: HelpModel.CreateBody): Promise<HelpModel.AdminArticle> {
  const now = deps.clock.now()
  const row = await deps.db
    .transaction(async (tx) => {
      const [inserted] = await tx
        .insert(helpArticles)
        .values({
          id: newId('hlp'),
          slug: input.slug,
          title: cleanTitle(input.title),
          body: input.body,
          category: input.category,
          keywords: cleanKeywords(input.keywords ?? []),
          published: input.published ?? false,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
      await recordAudit(tx, { by, kind: 'help.article_created', subject: { type: 'help_article', id: inserted!.id }, summary: auditOf(inserted!), at: now })
      return inserted!
    })
    .catch((error: unknown) => {
      throw slugConflict(error)
    })
  await helpChanged(deps.bus)
  return toAdmin(row)
}

/**
 * An admin changes the fields given, audited `help.article_updated` with the fields changed (and
 * the slug before, when it moved). 404 when there is no such article, 409 when the new slug is taken.
 */
export async function updateHelpArticle(deps: HelpDeps, by: Actor, id: string, input: HelpModel.UpdateBody): Promise<HelpModel.AdminArticle> {
  const now = deps.clock.now()
  const set = {
    ...(input.slug === undefined ? {} : { slug: input.slug }),
    ...(input.title === undefined ? {} : { title: cleanTitle(input.title) }),
    ...(input.body === undefined ? {} : { body: input.body }),
    ...(input.category === undefined ? {} : { category: input.category }),
    ...(input.keywords === undefined ? {} : { keywords: cleanKeywords(input.keywords) }),
    ...(input.published === undefined ? {} : { published: input.published }),
  }
  const row = await deps.db
    .transaction(async (tx) => {
      const [before] = await tx.select().from(helpArticles).where(eq(helpArticles.id, id)).for('update')
      if (before === undefined) throw new AppError('not_found', 'No such article')
      const [after] = await tx
        .update(helpArticles)
        .set({ ...set, updatedAt: now })
        .where(eq(helpArticles.id, id))
        .returning()
      const changed = Object.keys(set).filter((field) => JSON.stringify(before[field as keyof typeof set]) !== JSON.stringify(after![field as keyof typeof set]))
      const summary: AuditSummary = { ...auditOf(after!), changed: changed.join(', '), ...(before.slug === after!.slug ? {} : { slugBefore: before.slug }) }
      await recordAudit(tx, { by, kind: 'help.article_updated', subject: { type: 'help_article', id }, summary, at: now })
      return after!
    })
    .catch((error: unknown) => {
      throw slugConflict(error)
    })
  await helpChanged(deps.bus)
  return toAdmin(row)
}

/** An admin deletes an article for good, audited `help.article_deleted` with its slug and title. 404 when there is none. */
export async function deleteHelpArticle(deps: HelpDeps, by: Actor, id: string): Promise<void> {
  const now = deps.clock.now()
  await deps.db.transaction(async (tx) => {
    const [deleted] = await tx.delete(helpArticles).where(eq(helpArticles.id, id)).returning()
    if (deleted === undefined) throw new AppError('not_found', 'No such article')
    await recordAudit(tx, { by, kind: 'help.article_deleted', subject: { type: 'help_article', id }, summary: auditOf(deleted), at: now })
  })
  await helpChanged(deps.bus)
}
