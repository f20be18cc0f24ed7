// Reviews: the buyer of a completed order reviews each item once, within REVIEW_WINDOW_DAYS (60 by
// default) of completion; the review may change for EDIT_HOURS, the shop replies once (its reply changes for
// EDIT_HOURS too), anyone else signed in marks it helpful once, and admins hide a reported one with
// a reason. The product's and the shop's ratings move in the transaction of each change (catalog's
// and vendors' add…Rating: one conditional UPDATE each, so concurrent reviews never lose a count).
import { and, asc, desc, eq, inArray, isNull, lt, max, or, type SQL, sql } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client'
import { pgErrorOf } from '../../db/errors'
import { type Committed, nothing, runCommitted } from '../../events/committed'
import { announceQueuesChanged, enteredBy } from '../../lib/admin-queues'
import type { Bus } from '../../lib/bus'
import type { Clock } from '../../lib/clock'
import { AppError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { processImage, UPLOAD_LIMITS } from '../../lib/images'
import type { Logger } from '../../lib/log'
import { cursorPart, DEFAULT_LIMIT, decodeCursor, type Keyset, toPage } from '../../lib/pagination'
import { ratingOf } from '../../lib/rating'
import { actorOf, type Origin } from '../../lib/request-origin'
import { type CurrentUser, displayNames } from '../accounts'
import { recordAudit } from '../audit'
import { addProductRating, findProductsByIds, productOfReviews, publicProductIds, ratingChanged } from '../catalog'
import type { AfterCommit, NotifyInput } from '../notifications'
import { completedAt, findOrder, orderItemsOf, orderLink } from '../orders'
import { addShopRating, findVendorById, findVendorBySlug } from '../vendors'
import type { ReviewsModel } from './model'
import { EDIT_HOURS, REVIEW_PHOTO_LIMIT, type ReviewAction, type ReviewSort } from './status'
import { reviewPhotos, reviewReports, reviewVotes, reviews } from './table'

export interface ReviewsDeps {
  db: Db
  bus: Bus
  clock: Clock
  log: Logger
  notify(tx: Tx, input: NotifyInput): Promise<AfterCommit | null>
  /** Days after completion during which the buyer may review (REVIEW_WINDOW_DAYS). */
  windowDays: number
}

type Conn = Db | Tx
type Viewer = Pick<CurrentUser, 'id' | 'role'>
type ReviewRow = typeof reviews.$inferSelect

const HOUR = 60 * 60_000
const DAY = 24 * HOUR
const notFound = () => new AppError('not_found', 'No such review')
const editableUntil = (since: Date) => new Date(since.getTime() + EDIT_HOURS * HOUR)
const productLink = (slug: string) => `/products/${slug}#reviews`

/** The user who runs a shop, by shop id (who replies to its reviews). */
async function shopOwners(db: Conn, vendorIds: string[]): Promise<Map<string, string>> {
  const shops = await Promise.all([...new Set(vendorIds)].map((id) => findVendorById(db, id)))
  return new Map(shops.filter((shop) => shop !== null).map((shop) => [shop.id, shop.userId]))
}

async function toReviews(db: Conn, rows: ReviewRow[], viewer: Viewer | null, now: Date): Promise<ReviewsModel.Review[]> {
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  const [photos, names, products, owners, votes] = await Promise.all([
    db.select({ reviewId: reviewPhotos.reviewId, position: reviewPhotos.position, width: reviewPhotos.width, height: reviewPhotos.height }).from(reviewPhotos).where(inArray(reviewPhotos.reviewId, ids)).orderBy(asc(reviewPhotos.position)),
    displayNames(db, rows.map((row) => row.authorId)),
    findProductsByIds(db, rows.map((row) => row.productId)),
    shopOwners(db, rows.map((row) => row.vendorId)),
    viewer === null ? [] : db.select({ reviewId: reviewVotes.reviewId }).from(reviewVotes).where(and(eq(reviewVotes.userId, viewer.id), inArray(reviewVotes.reviewId, ids))),
  ])
  const voted = new Set(votes.map((vote) => vote.reviewId))
  return rows.map((row) => {
    const own = photos.filter((photo) => photo.reviewId === row.id)
    const product = products.find((p) => p.id === row.productId)!
    const isAuthor = viewer?.id === row.authorId
    const isShop = viewer !== null && owners.get(row.vendorId) === viewer.id
    const hidden = row.hiddenAt !== null
    const open = now < editableUntil(row.createdAt)
    const actions: ReviewAction[] = []
    if (isAuthor && open && !hidden) actions.push('edit')
    if (isAuthor) actions.push('delete')
    if (isAuthor && open && !hidden && own.length < REVIEW_PHOTO_LIMIT) actions.push('add_photo')
    if (isShop && !hidden && row.replyBody === null) actions.push('reply')
    if (isShop && !hidden && row.repliedAt !== null && now < editableUntil(row.repliedAt)) actions.push('edit_reply')
    if (viewer !== null && viewer.role !== 'admin' && !isAuthor && !hidden) actions.push('vote', 'report')
    return {
      id: row.id,
      product: { id: product.id, slug: product.slug, title: product.title },
      rating: row.rating,
      body: row.body,
      author: names.get(row.authorId) ?? 'Deleted user',
      verifiedPurchase: true,
      createdAt: row.createdAt,
      editedAt: row.editedAt,
      editableUntil: isAuthor ? editableUntil(row.createdAt) : null,
      photos: own.map((photo) => ({ position: photo.position, url: `/api/v1/reviews/${row.id}/photos/${photo.position}`, width: photo.width, height: photo.height })),
      helpfulCount: row.helpfulCount,
      votedHelpful: voted.has(row.id),
      reply:
        row.replyBody === null || row.repliedAt === null
          ? null
          : { body: row.replyBody, at: row.repliedAt, editedAt: row.replyEditedAt, editableUntil: isShop ? editableUntil(row.repliedAt) : null },
      hidden: hidden && (isAuthor || viewer?.role === 'admin') ? { reason: row.hiddenReason ?? '', at: row.hiddenAt! } : null,
      actions,
    } satisfies ReviewsModel.Review
  })
}

/** Sort keys of each order, and how a cursor of it is read back. */
const SORTS = {
  newest: {
    order: [desc(reviews.createdAt), desc(reviews.id)],
    parts: [cursorPart.time, cursorPart.id('rev')] as const,
    position: (row: ReviewRow): Keyset => [row.createdAt.toISOString(), row.id],
    after: ([time, id]: readonly unknown[]) => or(lt(reviews.createdAt, time as Date), and(eq(reviews.createdAt, time as Date), lt(reviews.id, id as string)))!,
  },
  helpful: {
    order: [desc(reviews.helpfulCount), desc(reviews.createdAt), desc(reviews.id)],
    parts: [cursorPart.integer(), cursorPart.time, cursorPart.id('rev')] as const,
    position: (row: ReviewRow): Keyset => [row.helpfulCount, row.createdAt.toISOString(), row.id],
    after: ([count, time, id]: readonly unknown[]) =>
      sql`(${reviews.helpfulCount}, ${reviews.createdAt}, ${reviews.id}) < (${count as number}, ${(time as Date).toISOString()}::timestamptz, ${id as string})`,
  },
} satisfies Record<ReviewSort, unknown>

/** A page of visible reviews under `where` with their histogram. */
async function listVisible(deps: Pick<ReviewsDeps, 'db' | 'clock'>, viewer: Viewer | null, where: SQL, query: ReviewsModel.ListQuery) {
  const sort = SORTS[query.sort ?? 'helpful']
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = query.cursor === undefined ? null : (decodeCursor(query.cursor, sort.parts) as readonly unknown[])
  const visible = and(where, isNull(reviews.hiddenAt), isNull(reviews.deletedAt))!
  const [rows, counts] = await Promise.all([
    deps.db
      .select()
      .from(reviews)
      .where(and(visible, query.rating === undefined ? undefined : eq(reviews.rating, query.rating), after === null ? undefined : sort.after(after)))
      .orderBy(...sort.order)
      .limit(limit + 1),
    deps.db.select({ rating: reviews.rating, n: sql<number>`count(*)::int` }).from(reviews).where(visible).groupBy(reviews.rating),
  ])
  const histogram = [1, 2, 3, 4, 5].map((stars) => counts.find((c) => c.rating === stars)?.n ?? 0)
  const page = toPage(rows, limit, sort.position)
  return { histogram, items: await toReviews(deps.db, page.items, viewer, deps.clock.now()), nextCursor: page.nextCursor }
}

/** A product's reviews, where the product may be seen. */
export async function listProductReviews(deps: Pick<ReviewsDeps, 'db' | 'clock'>, viewer: CurrentUser | null, slug: string, query: ReviewsModel.ListQuery): Promise<ReviewsModel.Page> {
  const product = await productOfReviews(deps.db, slug, viewer)
  return { rating: product.rating, ...(await listVisible(deps, viewer, eq(reviews.productId, product.id), query)) }
}

/** The reviews of an approved shop's public products. */
export async function listShopReviews(deps: Pick<ReviewsDeps, 'db' | 'clock'>, viewer: CurrentUser | null, slug: string, query: ReviewsModel.ListQuery): Promise<ReviewsModel.Page> {
  const shop = await findVendorBySlug(deps.db, slug)
  if (shop === null || shop.status !== 'approved') throw new AppError('not_found', 'No such shop')
  return { rating: ratingOf(shop.ratingCount, shop.ratingSum), ...(await listVisible(deps, viewer, and(eq(reviews.vendorId, shop.id), inArray(reviews.productId, publicProductIds(deps.db)))!, query)) }
}

/** Until when the buyer of an order may review its items (null while it is not completed). */
async function windowEndOf(db: Conn, orderId: string, windowDays: number): Promise<Date | null> {
  const completed = await completedAt(db, orderId)
  return completed === null ? null : new Date(completed.getTime() + windowDays * DAY)
}

/** An order's items with their reviews, for its buyer (the order page's review panel). */
export async function orderReviews(deps: Pick<ReviewsDeps, 'db' | 'clock' | 'windowDays'>, viewer: Viewer, orderId: string): Promise<typeof ReviewsModel.orderReviews.static> {
  const order = await findOrder(deps.db, orderId)
  if (order === null || order.buyerId !== viewer.id) throw new AppError('not_found', 'No such order')
  const [items, rows, windowEndsAt] = await Promise.all([orderItemsOf(deps.db, orderId), deps.db.select().from(reviews).where(eq(reviews.orderId, orderId)), windowEndOf(deps.db, orderId, deps.windowDays)])
  const shown = await toReviews(deps.db, rows, viewer, deps.clock.now())
  const open = windowEndsAt !== null && deps.clock.now() <= windowEndsAt
  return {
    windowEndsAt,
    items: items.map((item) => {
      const row = rows.find((r) => r.position === item.position)
      // A deleted review is shown nowhere, and its item is not reviewed again.
      const shownRow = row?.deletedAt === null ? row : undefined
      return {
        position: item.position,
        productId: item.productId,
        title: item.title,
        imageUrl: item.imageUrl,
        review: shownRow === undefined ? null : shown.find((review) => review.id === shownRow.id)!,
        canReview: open && row === undefined,
      }
    }),
  }
}

/** Moves the product's and the shop's ratings by `count` reviews summing `sum`, in the caller's transaction. */
async function moveRatings(tx: Tx, row: Pick<ReviewRow, 'productId' | 'vendorId'>, count: number, sum: number): Promise<void> {
  await addProductRating(tx, row.productId, count, sum)
  await addShopRating(tx, row.vendorId, count, sum)
}

const publish = (deps: ReviewsDeps, committed: Committed, ratingMoved: boolean) =>
  runCommitted(deps, 'reviews', ratingMoved ? { ...committed, afterCommit: [...committed.afterCommit, () => ratingChanged(deps.bus)] } : committed)

/** Tells `userId` (in the app, by email as they chose) in the caller's transaction. */
async function tell(deps: ReviewsDeps, tx: Tx, committed: Committed, input: NotifyInput): Promise<void> {
  const sent = await deps.notify(tx, input)
  if (sent !== null) committed.afterCommit.push(sent)
}

/**
 * The buyer reviews an item of their completed order, once, within the window: 404 for another's
 * order or an item it does not keep (cancelled whole), 403 before completion or after the window,
 * 409 the second time (also after deleting the first).
 */
export async function createReview(deps: ReviewsDeps, viewer: Viewer, orderId: string, position: number, body: ReviewsModel.CreateBody): Promise<ReviewsModel.Review> {
  const now = deps.clock.now()
  const text = body.body.trim()
  if (text.length < 3) throw new AppError('invalid_data', 'Say something about the item', [{ field: 'body.body', message: 'must be at least 3 characters' }])
  const { row, committed } = await deps.db
    .transaction(async (tx) => {
      const order = await findOrder(tx, orderId)
      if (order === null || order.buyerId !== viewer.id) throw new AppError('not_found', 'No such order')
      const item = (await orderItemsOf(tx, orderId)).find((i) => i.position === position)
      if (item === undefined) throw new AppError('not_found', 'No such item in this order')
      const windowEndsAt = await windowEndOf(tx, orderId, deps.windowDays)
      if (order.status !== 'completed' || windowEndsAt === null) throw new AppError('forbidden', 'An item is reviewed once its order is completed (after you confirm you received it)')
      if (now > windowEndsAt) throw new AppError('forbidden', `Reviews of this order closed on ${windowEndsAt.toISOString().slice(0, 10)}`)
      const row: ReviewRow = {
        id: newId('rev'),
        orderId,
        position,
        productId: item.productId,
        vendorId: order.vendorId,
        authorId: viewer.id,
        rating: body.rating,
        body: text,
        helpfulCount: 0,
        createdAt: now,
        editedAt: null,
        replyBody: null,
        replyAuthorId: null,
        repliedAt: null,
        replyEditedAt: null,
        hiddenAt: null,
        hiddenReason: null,
        hiddenBy: null,
        deletedAt: null,
      }
      await tx.insert(reviews).values(row)
      await moveRatings(tx, row, 1, row.rating)
      const committed = nothing()
      const [product] = await findProductsByIds(tx, [row.productId])
      const owner = (await findVendorById(tx, row.vendorId))!.userId
      await tell(deps, tx, committed, { userId: owner, type: 'review', actorId: viewer.id, subject: `product:${row.productId}`, text: `reviewed ${product!.title}: ${'★'.repeat(row.rating)}`, link: productLink(product!.slug) })
      return { row, committed }
    })
    .catch((error) => {
      if (pgErrorOf(error)?.constraint === 'reviews_order_item_key') throw new AppError('conflict', 'You reviewed this item already (each item is reviewed once): change your review instead')
      throw error
    })
  await publish(deps, committed, true)
  return (await toReviews(deps.db, [row], viewer, now))[0]!
}

/** A review exists for the viewer: not deleted, and not hidden unless they wrote it or are an admin. */
const visibleTo = (row: ReviewRow | undefined, viewer: Viewer | null): row is ReviewRow =>
  row !== undefined && row.deletedAt === null && (row.hiddenAt === null || row.authorId === viewer?.id || viewer?.role === 'admin')

/** The review, locked for the caller's transaction; 404 when it is hidden from the viewer. */
async function lockReview(tx: Tx, viewer: Viewer, reviewId: string): Promise<ReviewRow> {
  const [row] = await tx.select().from(reviews).where(eq(reviews.id, reviewId)).for('update')
  if (!visibleTo(row, viewer)) throw notFound()
  return row
}

/** The author changes their review within EDIT_HOURS of writing it; a change says so ("edited"). */
export async function updateReview(deps: ReviewsDeps, viewer: Viewer, reviewId: string, body: ReviewsModel.UpdateBody): Promise<ReviewsModel.Review> {
  const now = deps.clock.now()
  const text = body.body?.trim()
  if (text !== undefined && text.length < 3) throw new AppError('invalid_data', 'Say something about the item', [{ field: 'body.body', message: 'must be at least 3 characters' }])
  const { row, moved } = await deps.db.transaction(async (tx) => {
    const row = await lockReview(tx, viewer, reviewId)
    if (row.authorId !== viewer.id) throw new AppError('forbidden', 'Only its author changes a review')
    if (row.hiddenAt !== null) throw new AppError('conflict', 'An admin hid this review: it cannot change')
    if (now >= editableUntil(row.createdAt)) throw new AppError('conflict', `A review may be changed for ${EDIT_HOURS} hours after it is written`)
    const rating = body.rating ?? row.rating
    const changed = rating !== row.rating || (text !== undefined && text !== row.body)
    if (!changed) return { row, moved: false }
    const [updated] = await tx
      .update(reviews)
      .set({ rating, body: text ?? row.body, editedAt: now })
      .where(eq(reviews.id, reviewId))
      .returning()
    if (rating !== row.rating) await moveRatings(tx, row, 0, rating - row.rating)
    return { row: updated!, moved: rating !== row.rating }
  })
  await publish(deps, nothing(), moved)
  return (await toReviews(deps.db, [row], viewer, now))[0]!
}

/**
 * The author deletes their review: it leaves every list and the ratings, but stays (an order item
 * is reviewed once, and what was reported of it stays evidence for admins).
 */
export async function deleteReview(deps: ReviewsDeps, viewer: Viewer, reviewId: string): Promise<void> {
  const moved = await deps.db.transaction(async (tx) => {
    const row = await lockReview(tx, viewer, reviewId)
    if (row.authorId !== viewer.id) throw new AppError('forbidden', 'Only its author deletes a review')
    await tx.update(reviews).set({ deletedAt: deps.clock.now() }).where(eq(reviews.id, reviewId))
    if (row.hiddenAt === null) await moveRatings(tx, row, -1, -row.rating)
    return row.hiddenAt === null
  })
  await publish(deps, nothing(), moved)
}

export async function getReview(deps: Pick<ReviewsDeps, 'db' | 'clock'>, viewer: Viewer | null, reviewId: string): Promise<ReviewsModel.Review> {
  return (await toReviews(deps.db, [await getRow(deps.db, viewer, reviewId)], viewer, deps.clock.now()))[0]!
}

/** The author adds a photo while the review may change (at most REVIEW_PHOTO_LIMIT), checked by content and re-encoded. */
export async function addReviewPhoto(deps: ReviewsDeps, viewer: Viewer, reviewId: string, file: Blob): Promise<ReviewsModel.Review> {
  const open = (row: ReviewRow, now: Date) => {
    if (row.authorId !== viewer.id) throw new AppError('forbidden', 'Only its author adds photos to a review')
    if (row.hiddenAt !== null || now >= editableUntil(row.createdAt)) throw new AppError('conflict', `Photos are added for ${EDIT_HOURS} hours after the review is written`)
  }
  // Only the author of a review still open makes the server decode an image (checked again under lock).
  open(await getRow(deps.db, viewer, reviewId), deps.clock.now())
  const image = await processImage(file, { field: 'body.file', ...UPLOAD_LIMITS, resize: { width: 1600, height: 1600, fit: 'inside' } })
  const now = deps.clock.now()
  await deps.db.transaction(async (tx) => {
    open(await lockReview(tx, viewer, reviewId), now)
    const [last] = await tx.select({ position: max(reviewPhotos.position), count: sql<number>`count(*)::int` }).from(reviewPhotos).where(eq(reviewPhotos.reviewId, reviewId))
    if ((last?.count ?? 0) >= REVIEW_PHOTO_LIMIT) throw new AppError('conflict', `A review has at most ${REVIEW_PHOTO_LIMIT} photos`)
    await tx.insert(reviewPhotos).values({ reviewId, position: (last?.position ?? -1) + 1, data: image.data, width: image.width, height: image.height, createdAt: now })
  })
  return getReview(deps, viewer, reviewId)
}

/** The review as the viewer may see it (404 when deleted, or hidden from them). */
async function getRow(db: Conn, viewer: Viewer | null, reviewId: string): Promise<ReviewRow> {
  const [row] = await db.select().from(reviews).where(eq(reviews.id, reviewId))
  if (!visibleTo(row, viewer)) throw notFound()
  return row
}

/** A photo of a visible review of a public product, for anyone; null otherwise (hidden, deleted, its product taken down). */
export async function reviewPhoto(db: Db, reviewId: string, position: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const [row] = await db
    .select({ data: reviewPhotos.data })
    .from(reviewPhotos)
    .innerJoin(reviews, eq(reviews.id, reviewPhotos.reviewId))
    .where(and(eq(reviewPhotos.reviewId, reviewId), eq(reviewPhotos.position, position), isNull(reviews.hiddenAt), isNull(reviews.deletedAt), inArray(reviews.productId, publicProductIds(db))))
  return row?.data ?? null
}

/** The shop answers a review once (`reply`), then may change its answer for EDIT_HOURS (`edit`). The author is told of the first. */
export async function replyToReview(deps: ReviewsDeps, viewer: Viewer, reviewId: string, text: string, mode: 'reply' | 'edit'): Promise<ReviewsModel.Review> {
  const now = deps.clock.now()
  const body = text.trim()
  if (body.length < 3) throw new AppError('invalid_data', 'Write a reply', [{ field: 'body.body', message: 'must be at least 3 characters' }])
  const { row, committed } = await deps.db.transaction(async (tx) => {
    const row = await lockReview(tx, viewer, reviewId)
    const owner = (await findVendorById(tx, row.vendorId))?.userId
    if (owner !== viewer.id) throw new AppError('forbidden', 'Only the shop that sold the item replies to its review')
    if (row.hiddenAt !== null) throw new AppError('conflict', 'An admin hid this review')
    const committed = nothing()
    if (mode === 'reply') {
      if (row.replyBody !== null) throw new AppError('conflict', 'The shop replied already: change its reply instead')
      const [product] = await findProductsByIds(tx, [row.productId])
      await tell(deps, tx, committed, { userId: row.authorId, type: 'review', actorId: viewer.id, subject: `review:${row.id}`, text: `replied to your review of ${product!.title}`, link: productLink(product!.slug) })
    } else {
      if (row.repliedAt === null) throw new AppError('conflict', 'The shop has not replied yet')
      if (now >= editableUntil(row.repliedAt)) throw new AppError('conflict', `A reply may be changed for ${EDIT_HOURS} hours after it is written`)
    }
    const [updated] = await tx
      .update(reviews)
      .set(mode === 'reply' ? { replyBody: body, replyAuthorId: viewer.id, repliedAt: now } : { replyBody: body, replyEditedAt: now })
      .where(eq(reviews.id, reviewId))
      .returning()
    return { row: updated!, committed }
  })
  await publish(deps, committed, false)
  return (await toReviews(deps.db, [row], viewer, now))[0]!
}

/**
 * Marks a review helpful (`on`) or takes the mark back, idempotently: one vote per user, the count
 * moving only when a vote row is made or removed, in the same statement's transaction.
 */
export async function voteHelpful(deps: Pick<ReviewsDeps, 'db' | 'clock'>, viewer: Viewer, reviewId: string, on: boolean): Promise<typeof ReviewsModel.helpful.static> {
  return deps.db.transaction(async (tx) => {
    const [row] = await tx.select({ authorId: reviews.authorId, hiddenAt: reviews.hiddenAt, deletedAt: reviews.deletedAt }).from(reviews).where(eq(reviews.id, reviewId))
    if (row === undefined || row.hiddenAt !== null || row.deletedAt !== null) throw notFound()
    if (row.authorId === viewer.id) throw new AppError('forbidden', 'Authors do not vote on their own reviews')
    const changed = on
      ? await tx.insert(reviewVotes).values({ reviewId, userId: viewer.id, createdAt: deps.clock.now() }).onConflictDoNothing().returning({ reviewId: reviewVotes.reviewId })
      : await tx
          .delete(reviewVotes)
          .where(and(eq(reviewVotes.reviewId, reviewId), eq(reviewVotes.userId, viewer.id)))
          .returning({ reviewId: reviewVotes.reviewId })
    const [counted] =
      changed.length === 0
        ? await tx.select({ helpfulCount: reviews.helpfulCount }).from(reviews).where(eq(reviews.id, reviewId))
        : await tx
            .update(reviews)
            .set({ helpfulCount: sql`${reviews.helpfulCount} + ${on ? 1 : -1}` })
            .where(eq(reviews.id, reviewId))
            .returning({ helpfulCount: reviews.helpfulCount })
    return { helpfulCount: counted!.helpfulCount, votedHelpful: on }
  })
}

/** Anyone signed in but its author reports a review to the admins; one open report per reporter (again: 409). */
export async function reportReview(deps: Pick<ReviewsDeps, 'db' | 'clock' | 'bus'>, viewer: Viewer, reviewId: string, body: ReviewsModel.ReportBody): Promise<void> {
  const row = await getRow(deps.db, viewer, reviewId)
  if (row.hiddenAt !== null) throw notFound()
  if (row.authorId === viewer.id) throw new AppError('forbidden', 'Authors do not report their own reviews')
  const details = body.details?.trim()
  await deps.db
    .insert(reviewReports)
    .values({ id: newId('rvr'), reviewId, reporterId: viewer.id, reason: body.reason, details: details === '' ? null : (details ?? null), createdAt: deps.clock.now() })
    .catch((error) => {
      if (pgErrorOf(error)?.constraint === 'review_reports_open_key') throw new AppError('conflict', 'You reported this review already: an admin will look at it')
      throw error
    })
  await announceQueuesChanged(deps.bus, deps.clock.now())
}

/** The admins' queue: reviews with open reports, the most recently reported first. */
export async function listReportedReviews(deps: Pick<ReviewsDeps, 'db' | 'clock'>, viewer: Viewer, query: typeof ReviewsModel.reportedQuery.static): Promise<typeof ReviewsModel.reportedPage.static> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const by = enteredBy(deps.clock.now(), query.minAgeHours)
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, [cursorPart.time, cursorPart.id('rev')])
  const last = sql<Date>`max(${reviewReports.createdAt})`
  const grouped = await deps.db
    .select({
      reviewId: reviewReports.reviewId,
      count: sql<number>`count(*)::int`,
      reasons: sql<string[]>`array_agg(distinct ${reviewReports.reason})`,
      details: sql<(string | null)[]>`array_agg(${reviewReports.details} order by ${reviewReports.createdAt} desc)`,
      last: sql<string>`max(${reviewReports.createdAt})`,
    })
    .from(reviewReports)
    .where(eq(reviewReports.status, 'open'))
    .groupBy(reviewReports.reviewId)
    .having(
      and(
        // By age: first reported at least that long ago.
        by === undefined ? undefined : sql`min(${reviewReports.createdAt}) <= ${by.toISOString()}::timestamptz`,
        after === null ? undefined : sql`(${last}, ${reviewReports.reviewId}) < (${after[0].toISOString()}::timestamptz, ${after[1]})`,
      ),
    )
    .orderBy(desc(last), desc(reviewReports.reviewId))
    .limit(limit + 1)
  const page = toPage(grouped, limit, (g) => [new Date(g.last).toISOString(), g.reviewId])
  const rows = page.items.length === 0 ? [] : await deps.db.select().from(reviews).where(inArray(reviews.id, page.items.map((g) => g.reviewId)))
  const shown = await toReviews(deps.db, rows, viewer, deps.clock.now())
  return {
    items: page.items.map((g) => ({
      review: shown.find((r) => r.id === g.reviewId)!,
      reportCount: g.count,
      reasons: g.reasons as ReviewsModel.ReportBody['reason'][],
      details: g.details.filter((d) => d !== null),
      lastReportedAt: new Date(g.last),
    })),
    nextCursor: page.nextCursor,
  }
}

/**
 * An admin decides a reported review: `hide` it with a reason its author sees (it leaves the
 * ratings), or `dismiss` the reports (it stays). Either closes its open reports.
 */
export async function moderateReview(deps: ReviewsDeps, admin: Viewer, origin: Origin, reviewId: string, decision: 'hide' | 'dismiss', reason: string | null): Promise<ReviewsModel.Review> {
  const now = deps.clock.now()
  if (decision === 'hide' && (reason ?? '').length < 3) throw new AppError('invalid_data', 'Say why it is hidden: its author reads it', [{ field: 'body.reason', message: 'must be at least 3 characters' }])
  const { moved, committed } = await deps.db.transaction(async (tx) => {
    const row = await lockReview(tx, admin, reviewId)
    const committed = nothing()
    const closed = await tx
      .update(reviewReports)
      .set({ status: decision === 'hide' ? 'hidden' : 'dismissed', resolvedBy: admin.id, resolvedAt: now })
      .where(and(eq(reviewReports.reviewId, reviewId), eq(reviewReports.status, 'open')))
      .returning({ id: reviewReports.id })
    // A decision is recorded when it changes something: reports closed, or the review hidden.
    if (closed.length > 0 || (decision === 'hide' && row.hiddenAt === null)) {
      const summary = { decision, reason, reportsClosed: closed.length, authorId: row.authorId, productId: row.productId }
      await recordAudit(tx, { by: actorOf(admin, origin), kind: 'review.moderated', subject: { type: 'review', id: row.id }, summary, at: now })
    }
    if (decision === 'dismiss' || row.hiddenAt !== null) return { moved: false, committed }
    await tx.update(reviews).set({ hiddenAt: now, hiddenReason: reason, hiddenBy: admin.id }).where(eq(reviews.id, reviewId))
    await moveRatings(tx, row, -1, -row.rating)
    const [product] = await findProductsByIds(tx, [row.productId])
    const order = await findOrder(tx, row.orderId)
    await tell(deps, tx, committed, { userId: row.authorId, type: 'review', actorId: admin.id, subject: `review:${row.id}`, text: `hid your review of ${product!.title}: ${reason}`, link: orderLink(order!.id) })
    return { moved: true, committed }
  })
  await publish(deps, committed, moved)
  await announceQueuesChanged(deps.bus, now)
  return getReview(deps, admin, reviewId)
}

/** Reports against the reviews a user wrote (the admins' user page): how many, and how many still open. */
export async function reportsAgainstAuthor(db: Db | Tx, authorId: string): Promise<{ total: number; open: number }> {
  const [row] = await db
    .select({ total: sql<number>`count(*)::int`, open: sql<number>`count(*) filter (where ${reviewReports.status} = 'open')::int` })
    .from(reviewReports)
    .innerJoin(reviews, eq(reviews.id, reviewReports.reviewId))
    .where(eq(reviews.authorId, authorId))
  return { total: row?.total ?? 0, open: row?.open ?? 0 }
}
