import { type SQL, sql } from 'drizzle-orm'
import { boolean, check, customType, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { at } from '../../db/columns'
import { HELP_CATEGORIES, HELP_LIMITS, HELP_SLUG_PATTERN } from './categories'

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' })

/**
 * The help centre's articles, written by admins in Markdown. Visitors (and the assistant) see only
 * published ones; a slug names an article in its URL (`/help/articles/<slug>`).
 */
export const helpArticles = pgTable(
  'help_articles',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    /** Markdown; raw HTML in it is shown as text (the web client renders with `html: false`). */
    body: text('body').notNull(),
    category: text('category', { enum: HELP_CATEGORIES }).notNull(),
    /** Words people search with that the text may not use ("refund", "money back"), lower-cased. */
    keywords: text('keywords').array().notNull().default(sql`'{}'::text[]`),
    published: boolean('published').notNull().default(false),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    /**
     * What help search matches, under the `help_search` text search configuration (migration
     * help_centre: English stemming with accents taken off first), so "returning" finds "Returns"
     * and "rétour" finds "retour". Title and keywords weigh A, the body B, so a word in the title
     * ranks above the same word in the text. `help_keywords_text` is array_to_string declared
     * immutable (it is, for text[]), which a generated column needs.
     */
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        (): SQL =>
          sql`setweight(to_tsvector('help_search'::regconfig, ${helpArticles.title} || ' ' || help_keywords_text(${helpArticles.keywords})), 'A') || setweight(to_tsvector('help_search'::regconfig, ${helpArticles.body}), 'B')`,
      ),
  },
  (table) => [
    index('help_articles_search_idx').using('gin', table.search),
    uniqueIndex('help_articles_slug_key').on(table.slug),
    check('help_articles_slug_check', sql`${table.slug} ~ ${sql.raw(`'${HELP_SLUG_PATTERN}'`)} and char_length(${table.slug}) <= ${sql.raw(String(HELP_LIMITS.slugMax))}`),
    check('help_articles_category_check', sql`${table.category} in (${sql.raw(HELP_CATEGORIES.map((c) => `'${c}'`).join(', '))})`),
  ],
)
