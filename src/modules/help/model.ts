import { t } from 'elysia'
import { idSchema } from '../../lib/ids'
import { enumOf } from '../../lib/schema'
import { HELP_CATEGORIES, HELP_LIMITS, HELP_SLUG_PATTERN } from './categories'

const slug = t.String({ pattern: HELP_SLUG_PATTERN, minLength: 1, maxLength: HELP_LIMITS.slugMax, description: 'lower-case letters and digits joined by single hyphens; the article’s URL: /help/articles/<slug>' })
const title = t.String({ minLength: HELP_LIMITS.titleMin, maxLength: HELP_LIMITS.titleMax })
const body = t.String({ minLength: 1, maxLength: HELP_LIMITS.bodyMax, description: 'Markdown; raw HTML is shown as text' })
const category = enumOf(HELP_CATEGORIES)
const keywords = t.Array(t.String({ minLength: 1, maxLength: HELP_LIMITS.keywordMax }), {
  maxItems: HELP_LIMITS.keywordsMax,
  description: 'words people search with that the text may not use; stored trimmed, lower-cased, once each',
})
const excerpt = t.String({ description: 'plain text (no Markdown, no HTML): the start of the article, or in search the passage that matched' })

export namespace HelpModel {
  /** An article in a list: what a link to it shows. */
  export const articleSummary = t.Object({ slug, title, category, excerpt })
  export type ArticleSummary = typeof articleSummary.static
  export const articleList = t.Object({ items: t.Array(articleSummary) })
  export type ArticleList = typeof articleList.static

  /** A published article as visitors read it. */
  export const article = t.Object({ slug, title, category, body, keywords: t.Array(t.String()), updatedAt: t.Date() })
  export type Article = typeof article.static

  /** A search hit: what the help centre lists and what the assistant cites. */
  export const hit = t.Object({
    slug,
    title,
    category,
    excerpt,
    rank: t.Number({ minimum: 0, maximum: 1, description: 'how well it matched, from 0 to 1 (higher is better; all the words matching ranks above some)' }),
  })
  export type Hit = typeof hit.static
  export const searchResult = t.Object({ items: t.Array(hit) })

  export const listQuery = t.Object({ category: t.Optional(category) })
  export const searchQuery = t.Object({
    q: t.String({ minLength: 1, maxLength: HELP_LIMITS.queryMax, description: 'words to find, in any form (“returning” finds “return”)' }),
    limit: t.Optional(t.Integer({ minimum: 1, maximum: HELP_LIMITS.searchMax, default: 10 })),
  })
  export type SearchQuery = typeof searchQuery.static
  export const slugParams = t.Object({ slug: t.String({ minLength: 1, maxLength: HELP_LIMITS.slugMax }) })
  export const idParams = t.Object({ id: idSchema('hlp') })

  /** An article as admins edit it, published or not. */
  export const adminArticle = t.Object({
    id: idSchema('hlp'),
    slug,
    title,
    body,
    category,
    keywords: t.Array(t.String()),
    published: t.Boolean(),
    createdAt: t.Date(),
    updatedAt: t.Date(),
  })
  export type AdminArticle = typeof adminArticle.static
  export const adminArticleList = t.Object({ items: t.Array(adminArticle) })

  export const createBody = t.Object(
    { slug, title, body, category, keywords: t.Optional(keywords), published: t.Optional(t.Boolean({ default: false })) },
    { additionalProperties: false },
  )
  export type CreateBody = typeof createBody.static
  export const updateBody = t.Object(
    { slug: t.Optional(slug), title: t.Optional(title), body: t.Optional(body), category: t.Optional(category), keywords: t.Optional(keywords), published: t.Optional(t.Boolean()) },
    { additionalProperties: false, minProperties: 1, description: 'only the fields given change' },
  )
  export type UpdateBody = typeof updateBody.static
}

/** A search hit of the help centre (the assistant cites articles with it). */
export const HelpHit = HelpModel.hit
export type HelpHit = HelpModel.Hit
