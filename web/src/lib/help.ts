import { query } from '@solidjs/router'
import type { HelpCategory } from '../../../src/modules/help/categories'
import type { HelpModel } from '../../../src/modules/help/model'
import { api, must, orMissing } from './api'

/**
 * The help centre: its articles and search (anyone; the lists and an article render on the
 * server), and the admins' editor. Shapes come from the server's HelpModel.
 */

export type HelpArticle = HelpModel.Article
export type HelpArticleSummary = HelpModel.ArticleSummary
export type HelpHit = HelpModel.Hit
export type AdminHelpArticle = HelpModel.AdminArticle
export type HelpArticleInput = HelpModel.CreateBody
export type { HelpCategory }

const v1 = () => api().api.v1

/** The published articles (of one category), by title. Runs in SSR too. */
export const getHelpArticles = query(async (category: HelpCategory | null) => must(await v1().help.articles.get({ query: category === null ? {} : { category } })).items, 'help-articles')
/** A published article; null when there is none. Runs in SSR too. */
export const getHelpArticle = query(async (slug: string) => orMissing(await v1().help.articles({ slug }).get()), 'help-article')
export const searchHelp = async (q: string) => must(await v1().help.search.get({ query: { q } })).items

const admin = () => v1().admin.help.articles
export const listAdminHelpArticles = async () => must(await admin().get()).items
export const createHelpArticle = async (body: HelpModel.CreateBody) => must(await admin().post(body))
export const updateHelpArticle = async (id: string, body: HelpModel.UpdateBody) => must(await admin()({ id }).patch(body))
export const deleteHelpArticle = async (id: string) => must(await admin()({ id }).delete())
