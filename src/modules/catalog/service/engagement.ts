import { createHash } from 'node:crypto'
import { and, desc, eq, gte, lt, or, sql } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { cursorPart, decodeCursor, encodeCursor, type Page } from '../../../lib/pagination'
import type { CurrentUser } from '../../accounts'
import type { CatalogModel } from '../model'
import { favorites, productDailyStats, products, productShares, productViews, recentViews, type ShareChannel } from '../table'
import { accessProduct, type CatalogDeps, type Conn, countShares, DAY_MS, dayOf, isPublic, productColumns, toSummaries } from './shared'

type Counter = 'views' | 'favorites' | 'shares' | 'chats'

/** One more of `counter` today, as an upsert: concurrent events each add one. */
async function bumpDaily(tx: Conn, productId: string, counter: Counter, now: Date): Promise<void> {
  await tx
    .insert(productDailyStats)
    .values({ productId, day: dayOf(now), [counter]: 1 })
    .onConflictDoUpdate({ target: [productDailyStats.productId, productDailyStats.day], set: { [counter]: sql`${productDailyStats[counter]} + 1` } })
}

/** Counts a conversation started about the product today; chat calls it in the transaction that creates one. */
export const countChatStarted = (tx: Conn, productId: string, now: Date) => bumpDaily(tx, productId, 'chats', now)

/**
 * Adds the product to the caller's favorites, or removes it when it is there. The count on the
 * product moves only when a row really went in or out, so concurrent toggles keep it exact.
 */
export async function toggleFavorite(deps: CatalogDeps, user: CurrentUser, slug: string): Promise<CatalogModel.FavoriteToggled> {
  const { product } = await accessProduct(deps.db, slug, user)
  const now = deps.clock.now()
  return deps.db.transaction(async (tx) => {
    const removed = await tx
      .delete(favorites)
      .where(and(eq(favorites.userId, user.id), eq(favorites.productId, product.id)))
      .returning({ userId: favorites.userId })
    let favorited = false
    let delta = -removed.length
    if (removed.length === 0) {
      const added = await tx.insert(favorites).values({ userId: user.id, productId: product.id, createdAt: now }).onConflictDoNothing().returning({ userId: favorites.userId })
      favorited = true
      delta = added.length
      if (added.length > 0) await bumpDaily(tx, product.id, 'favorites', now)
    }
    const [row] = await tx
      .update(products)
      .set({ favoritesCount: sql`${products.favoritesCount} + ${delta}` })
      .where(eq(products.id, product.id))
      .returning({ favoritesCount: products.favoritesCount })
    return { favorited, favoritesCount: row!.favoritesCount }
  })
}

/** The caller's favorites that are still public, latest first. */
export async function listFavorites(deps: CatalogDeps, user: CurrentUser, page: { cursor?: string; limit: number }): Promise<Page<CatalogModel.ProductSummary>> {
  const after = page.cursor === undefined ? null : decodeCursor(page.cursor, [cursorPart.time, cursorPart.id('prd')])
  const rows = await deps.db
    .select({ ...productColumns, favoritedAt: favorites.createdAt })
    .from(favorites)
    .innerJoin(products, eq(products.id, favorites.productId))
    .where(
      and(
        eq(favorites.userId, user.id),
        isPublic(deps.db),
        after === null
          ? undefined
          : or(lt(favorites.createdAt, after[0]), and(eq(favorites.createdAt, after[0]), lt(favorites.productId, after[1]))),
      ),
    )
    .orderBy(desc(favorites.createdAt), desc(favorites.productId))
    .limit(page.limit + 1)
  const kept = rows.slice(0, page.limit)
  const last = kept.at(-1)
  return {
    items: await toSummaries(deps.db, kept, deps.clock.now()),
    nextCursor: rows.length > page.limit && last !== undefined ? encodeCursor([last.favoritedAt.toISOString(), last.id]) : null,
  }
}

/** Who is viewing: a signed-in user by id; anyone else by a hash of their address (never stored raw). */
export const viewerKey = (viewer: CurrentUser | null, clientIp: string) =>
  viewer === null ? `anon:${createHash('sha256').update(clientIp).digest('hex').slice(0, 32)}` : viewer.id

/**
 * Counts a view once per viewer per product per day. The (product, viewer, day) key decides, so
 * concurrent requests of one viewer insert one row and add one view. The vendor's own views do not
 * count. A signed-in viewer's view also updates their "recently viewed".
 */
export async function recordView(deps: CatalogDeps, viewer: CurrentUser | null, clientIp: string, slug: string): Promise<CatalogModel.ViewRecorded> {
  const { product, isOwner } = await accessProduct(deps.db, slug, viewer)
  if (isOwner) return { counted: false, viewsCount: product.viewsCount }
  const now = deps.clock.now()
  return deps.db.transaction(async (tx) => {
    if (viewer !== null) {
      await tx
        .insert(recentViews)
        .values({ userId: viewer.id, productId: product.id, viewedAt: now })
        .onConflictDoUpdate({ target: [recentViews.userId, recentViews.productId], set: { viewedAt: now } })
    }
    const inserted = await tx
      .insert(productViews)
      .values({ productId: product.id, viewer: viewerKey(viewer, clientIp), day: dayOf(now), viewedAt: now })
      .onConflictDoNothing()
      .returning({ productId: productViews.productId })
    if (inserted.length === 0) {
      const [row] = await tx.select({ viewsCount: products.viewsCount }).from(products).where(eq(products.id, product.id))
      return { counted: false, viewsCount: row!.viewsCount }
    }
    await bumpDaily(tx, product.id, 'views', now)
    const [row] = await tx
      .update(products)
      .set({ viewsCount: sql`${products.viewsCount} + 1` })
      .where(eq(products.id, product.id))
      .returning({ viewsCount: products.viewsCount })
    return { counted: true, viewsCount: row!.viewsCount }
  })
}

/** The caller's recently viewed products that are still public, latest first. */
export async function listRecentlyViewed(deps: CatalogDeps, user: CurrentUser, limit: number): Promise<CatalogModel.ProductSummary[]> {
  const rows = await deps.db
    .select(productColumns)
    .from(recentViews)
    .innerJoin(products, eq(products.id, recentViews.productId))
    .where(and(eq(recentViews.userId, user.id), isPublic(deps.db)))
    .orderBy(desc(recentViews.viewedAt), desc(recentViews.productId))
    .limit(limit)
  return toSummaries(deps.db, rows, deps.clock.now())
}

/**
 * Shares a product, under the policy of seed 000: a vendor may share only their own products; a
 * buyer only products they have viewed (a recorded view); anyone else (other vendors, admins) is
 * refused. Every share is an immutable event; `sharesCount` is the number of events.
 */
export async function shareProduct(deps: CatalogDeps, user: CurrentUser, slug: string, channel: ShareChannel): Promise<CatalogModel.Shared> {
  const { product, isOwner, isPublic: visible } = await accessProduct(deps.db, slug, user)
  if (user.role === 'vendor' && !isOwner) throw new AppError('forbidden', 'Vendors can share only their own products')
  if (user.role === 'buyer') {
    const [seen] = await deps.db
      .select({ productId: productViews.productId })
      .from(productViews)
      .where(and(eq(productViews.productId, product.id), eq(productViews.viewer, user.id)))
      .limit(1)
    if (seen === undefined) throw new AppError('forbidden', 'You can share a product once you have viewed it')
  }
  if (user.role === 'admin') throw new AppError('forbidden', 'Only buyers who viewed a product and its own vendor can share it')
  if (!visible) throw new AppError('conflict', 'Publish the product before sharing it', { status: product.status })
  const now = deps.clock.now()
  const event = { id: newId('shr'), productId: product.id, userId: user.id, channel, createdAt: now }
  await deps.db.transaction(async (tx) => {
    await tx.insert(productShares).values(event)
    await bumpDaily(tx, product.id, 'shares', now)
  })
  return {
    id: event.id,
    productId: product.id,
    channel,
    url: `${deps.publicUrl}/products/${product.slug}`,
    createdAt: now,
    sharesCount: await countShares(deps.db, product.id),
  }
}

/** Per-day views, favorites, shares and chats of a product, for its vendor or an admin. */
export async function productStats(deps: CatalogDeps, user: CurrentUser, slug: string, days: number): Promise<CatalogModel.Stats> {
  const { product, isOwner } = await accessProduct(deps.db, slug, user)
  if (!isOwner && user.role !== 'admin') throw new AppError('forbidden', 'Only its vendor can see the statistics of a product')
  const today = deps.clock.now()
  const dayList = Array.from({ length: days }, (_, i) => dayOf(new Date(today.getTime() - (days - 1 - i) * DAY_MS)))
  const [rows, shares, chats] = await Promise.all([
    deps.db
      .select()
      .from(productDailyStats)
      .where(and(eq(productDailyStats.productId, product.id), gte(productDailyStats.day, dayList[0]!))),
    countShares(deps.db, product.id),
    deps.db
      .select({ n: sql<number>`coalesce(sum(${productDailyStats.chats}), 0)::int`.mapWith(Number) })
      .from(productDailyStats)
      .where(eq(productDailyStats.productId, product.id)),
  ])
  const byDay = new Map(rows.map((r) => [r.day, r]))
  return {
    productId: product.id,
    totals: { views: product.viewsCount, favorites: product.favoritesCount, shares, chats: chats[0]?.n ?? 0 },
    days: dayList.map((day) => {
      const r = byDay.get(day)
      return { day, views: r?.views ?? 0, favorites: r?.favorites ?? 0, shares: r?.shares ?? 0, chats: r?.chats ?? 0 }
    }),
  }
}
