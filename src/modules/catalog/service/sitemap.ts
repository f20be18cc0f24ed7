// What search engines may index: every public product page and every approved shop's storefront.
import { desc } from 'drizzle-orm'
import type { Db } from '../../../db/client'
import { storefrontSlugs } from '../../vendors'
import { products } from '../table'
import { isPublic } from './shared'

/** A sitemap holds at most this many addresses (the protocol's limit). */
export const SITEMAP_MAX = 50_000

/** Public product pages (newest change first) and storefronts, as site paths with when they last changed. */
export async function sitemapEntries(db: Db): Promise<{ path: string; updatedAt: Date }[]> {
  const [shops, listed] = await Promise.all([
    storefrontSlugs(db, SITEMAP_MAX),
    db.select({ slug: products.slug, updatedAt: products.updatedAt }).from(products).where(isPublic(db)).orderBy(desc(products.updatedAt)).limit(SITEMAP_MAX),
  ])
  return [...shops.map((s) => ({ path: `/vendors/${s.slug}`, updatedAt: s.updatedAt })), ...listed.map((p) => ({ path: `/products/${p.slug}`, updatedAt: p.updatedAt }))].slice(0, SITEMAP_MAX)
}
