// The help centre (issue #22): articles admins write in Markdown (title, body, category, keywords,
// published), read and searched by anyone — Postgres full-text search with English stems and
// accents ignored, title and keywords ranked above the text. The assistant answers from it through
// searchHelpArticles and cites HelpHit. Low in the module order: it depends on accounts (auth) and
// audit only.
import { Elysia, t } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { AppError, ErrorResponse } from '../../lib/errors'
import { strictQueryPlugin } from '../../lib/query'
import { rateLimitPlugin } from '../../lib/rate-limit'
import { actorOf, originPlugin } from '../../lib/request-origin'
import { authPlugin } from '../accounts'
import { HelpModel as M } from './model'
import { createHelpArticle, deleteHelpArticle, findHelpArticle, type HelpDeps, listArticlesForAdmin, listHelpArticles, searchHelpArticles, updateHelpArticle } from './service'

export { HELP_CATEGORIES, HELP_CATEGORY_LABEL, HELP_LIMITS, type HelpCategory } from './categories'
export { HELP_INFO_PAGES } from './info-pages'
export { HelpHit, HelpModel } from './model'
export { findHelpArticle, helpSitemapEntries, listHelpArticles, searchHelpArticles } from './service'
export { helpArticles } from './table'

// Each search is a full-text query with excerpts: a search a second or so per user (per address
// signed out). The list and an article are plain indexed reads that pages render on the server
// (in process, where every render would share one "address"), cached 10 s when anonymous: not limited.
const SEARCH_LIMIT = { scope: 'help-search', limit: 60, windowMs: 60_000, per: 'user' } as const

const SEARCH_HOW =
  'Words match by their English stem (“returning” finds “return”), case and accents ignored; a word in the title or keywords ranks above one in the text, and articles with every word first. Only published articles. 400 when `q` has no word.'

export function helpRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'limiter' | 'bus'>) {
  const deps: HelpDeps = { db: ctx.database.db, bus: ctx.bus, clock: ctx.clock }
  return new Elysia({ name: 'help', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(originPlugin(ctx.config))
    .use(strictQueryPlugin)
    .use(rateLimitPlugin({ limiter: ctx.limiter, clock: ctx.clock, trustProxy: ctx.config.trustProxy }))
    .guard({ viewer: true, detail: { tags: ['Help'] } }, (app) =>
      app
        .get('/help/articles', async ({ query }) => ({ items: await listHelpArticles(deps.db, query) }), {
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: { 200: M.articleList, 400: ErrorResponse },
          detail: { summary: 'The help centre’s published articles (of one category), by title, each with the start of its text' },
        })
        .get(
          '/help/articles/:slug',
          async ({ params }) => {
            const article = await findHelpArticle(deps.db, params.slug)
            if (article === null) throw new AppError('not_found', 'No such article')
            return article
          },
          {
            params: M.slugParams,
            response: { 200: M.article, 400: ErrorResponse, 404: ErrorResponse },
            detail: { summary: 'A published help article, its body in Markdown (404 when there is none or it is not published)' },
          },
        )
        .get('/help/search', async ({ query }) => ({ items: await searchHelpArticles(deps.db, query.q, { limit: query.limit ?? 10 }) }), {
          query: M.searchQuery,
          strictQuery: { schema: M.searchQuery },
          rateLimit: SEARCH_LIMIT,
          response: { 200: M.searchResult, 400: ErrorResponse, 429: ErrorResponse },
          detail: { summary: 'Search the help centre: the best matching published articles with the passage that matched', description: SEARCH_HOW },
        }),
    )
    .guard({ auth: 'admin', detail: { tags: ['Help', 'Admin'] } }, (admin) =>
      admin
        .get('/admin/help/articles', async () => ({ items: await listArticlesForAdmin(deps.db) }), {
          response: { 200: M.adminArticleList, 401: ErrorResponse, 403: ErrorResponse },
          detail: { summary: 'Every help article, published or not, by category then title' },
        })
        .post('/admin/help/articles', async ({ user, body, origin, status }) => status(201, await createHelpArticle(deps, actorOf(user, origin), body)), {
          body: M.createBody,
          response: { 201: M.adminArticle, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Write a help article (unpublished unless `published`); audited. 409 when its slug is taken' },
        })
        .patch('/admin/help/articles/:id', ({ user, params, body, origin }) => updateHelpArticle(deps, actorOf(user, origin), params.id, body), {
          params: M.idParams,
          body: M.updateBody,
          response: { 200: M.adminArticle, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Change a help article (the fields given), publish or unpublish it; audited. 409 when the new slug is taken' },
        })
        .delete(
          '/admin/help/articles/:id',
          async ({ user, params, origin, status }) => {
            await deleteHelpArticle(deps, actorOf(user, origin), params.id)
            return status(204, undefined)
          },
          {
            params: M.idParams,
            response: { 204: t.Undefined(), 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
            detail: { summary: 'Delete a help article for good; audited with its slug and title' },
          },
        ),
    )
}
