import { Elysia, t } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { uploadGuard } from '../../lib/body-guard'
import { BulkOutcome, eachItem } from '../../lib/admin-queues'
import { cachedBodyResponse } from '../../lib/compression'
import { AppError, ErrorResponse } from '../../lib/errors'
import { fileResponse } from '../../lib/openapi'
import { errorBody, privateDownload, requestIdOf } from '../../lib/http'
import { UPLOAD_LIMITS } from '../../lib/images'
import { DEFAULT_LIMIT } from '../../lib/pagination'
import { strictQueryPlugin } from '../../lib/query'
import { clientIpOf, rateLimitPlugin } from '../../lib/rate-limit'
import { actorOf, originPlugin } from '../../lib/request-origin'
import { parseByteRange } from '../../lib/video'
import { authPlugin } from '../accounts'
import { JobSnapshot, jobsDepsOf, toSnapshot } from '../jobs'
import { type ShopNoticeDeps, VendorsModel } from '../vendors'
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, IMPORT_PROBLEM_LIMIT, PRODUCT_CSV_COLUMNS } from './csv-format'
import { ATTR_PARAM, CatalogModel as M } from './model'
import { CategoryTreeCache, createCategory, deleteCategory, updateCategory } from './service/categories'
import { listFavorites, listRecentlyViewed, productStats, recordView, shareProduct, toggleFavorite } from './service/engagement'
import { exportProductsCsv, sampleProductsCsv } from './service/csv-export'
import { findImageFile } from './service/images'
import { requestProductImport } from './service/imports'
import { addImage, deleteImage, makePrimary, MAX_IMAGES, reorderImages } from './service/media'
import { decideListing, listingRulesOf, pendingListings, setListingRules } from './service/approval'
import { createProduct, deleteProduct, getProduct, listMyProducts, markSold, reactivate, setPlacement, updateProduct } from './service/products'
import { listReports, reportProduct, reportVendor, resolveReport } from './service/reports'
import { ProductListCache, similarProducts, suggest } from './service/search'
import type { CatalogDeps } from './service/shared'
import { addVideo, deleteVideo, findVideoFile, MAX_VIDEO_BYTES, MAX_VIDEOS, readVideoBytes } from './service/videos'

export { CatalogModel, productTopic } from './model'
export { reportsAgainstShop } from './service/approval'
export { listingApprovalsQueue, reportQueues } from './service/queues'
export { countChatStarted } from './service/engagement'
export { catalogBetween, categoriesOfProducts, categoryNames } from './service/stats'
export { CATALOG_JOB_KINDS } from './service/imports'
export { primaryImagesOf } from './service/images'
export { addImage } from './service/media'
export { countActiveListings, deactivateNewestOver, lockListingRoom, setPlacementIn, slugify } from './service/products'
export { extendBoost, featuredCounts, featuredProducts, placementsEndedBetween, productSummariesOf } from './service/placement'
export { addProductRating, productOfReviews, ratingChanged } from './service/ratings'
export { SITEMAP_MAX, sitemapEntries } from './service/sitemap'
export { type CatalogDeps, findProductsByIds, publicProductIds, rowIsPublic } from './service/shared'
export { announceStock, categoryAncestry, type ProductForSale, productsForSale, returnStock, type Shortage, type StockChange, type StockLine, takeStock } from './service/stock'
/** The tables other modules' tables reference (foreign keys) and the demo seed fills; services query them through this module's functions. */
export { type AttributeDefinition, type AttributeValue, categories, type Condition, products, REPORT_STATUSES } from './table'

/** Anyone may cache the tree for a minute; admins' edits reach everyone within that. */
const TREE_CACHE = 'public, max-age=60'
/** A photo's URL names its content (a hash), so it can be cached for good. */
const IMAGE_CACHE = 'public, max-age=31536000, immutable'
/**
 * The most of a video one range answer carries. Players ask for `bytes=0-` and then seek; each
 * answer says in Content-Range what it holds and the player asks for the rest, so one request
 * never holds a whole 25 MB video in memory.
 */
const VIDEO_CHUNK = 4 * 1024 * 1024
const JSON_HEADERS = { 'content-type': 'application/json;charset=utf-8' }

const HOUR = 3_600_000
// Per signed-in user: writes anyone can make, which cost others attention (reports) or CPU (photos).
export const CATALOG_LIMITS = {
  share: { scope: 'product-share', limit: 60, windowMs: HOUR, per: 'user' },
  // Product and shop reports share one allowance.
  report: { scope: 'catalog-report', limit: 20, windowMs: HOUR, per: 'user' },
  // Decoding and re-encoding photos costs CPU; ten photos for each of ten products fit in an hour.
  image: { scope: 'product-image', limit: 100, windowMs: HOUR, per: 'user' },
  // Each video is up to 25 MB stored; two for each of ten products fit in an hour.
  video: { scope: 'product-video', limit: 20, windowMs: HOUR, per: 'user' },
  // An import checks and writes up to 5,000 rows in a job; a vendor fixing a file re-runs it a few times.
  import: { scope: 'product-import', limit: 30, windowMs: HOUR, per: 'user' },
} as const

/**
 * The catalog: the category tree, products (vendors' own, admins' placement), search, favorites,
 * views, policy-checked sharing, per-product statistics, the moderation queue of reports, and
 * products in and out as CSV.
 */
export function catalogRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'bus' | 'log' | 'queue' | 'limiter'> & { notices: ShopNoticeDeps }) {
  const deps: CatalogDeps = { db: ctx.database.db, clock: ctx.clock, bus: ctx.bus, publicUrl: ctx.config.publicUrl }
  // Resolving a report may suspend its shop, which tells the owner.
  const moderation = { ...deps, log: ctx.log, notices: ctx.notices }
  const jobs = jobsDepsOf(ctx)
  const tree = new CategoryTreeCache(ctx.bus)
  const lists = new ProductListCache(ctx.bus)
  const created = <T>(status: (code: 201, body: T) => unknown, body: T) => status(201, body)
  return new Elysia({ name: 'catalog', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(strictQueryPlugin)
    .use(originPlugin(ctx.config))
    .use(rateLimitPlugin({ limiter: ctx.limiter, clock: ctx.clock, trustProxy: ctx.config.trustProxy }))
    .use(uploadGuard)
    .guard({ detail: { tags: ['Categories'] } }, (app) =>
      app
        .get(
          '/categories',
          async ({ set }) => {
            set.headers['cache-control'] = TREE_CACHE
            return { items: await tree.get(deps.db) }
          },
          {
            response: { 200: M.categoryTree },
            detail: { summary: 'The category tree with attribute definitions (cached)' },
          },
        )
        .post('/admin/categories', async ({ user, body, origin, status }) => created(status, await createCategory(deps, actorOf(user, origin), body)), {
          auth: 'admin',
          body: M.createCategoryBody,
          response: { 201: M.category, 400: ErrorResponse, 409: ErrorResponse },
          detail: { tags: ['Admin'], summary: 'Create a category' },
        })
        .patch('/admin/categories/:id', ({ user, params, body, origin }) => updateCategory(deps, actorOf(user, origin), params.id, body), {
          auth: 'admin',
          params: M.categoryParams,
          body: M.updateCategoryBody,
          response: { 200: M.category, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { tags: ['Admin'], summary: 'Edit or move a category (400 when the move would make a cycle)' },
        })
        .delete(
          '/admin/categories/:id',
          async ({ user, params, origin, status }) => {
            await deleteCategory(deps, actorOf(user, origin), params.id)
            return status(204, undefined)
          },
          {
            auth: 'admin',
            params: M.categoryParams,
            response: { 204: t.Undefined(), 404: ErrorResponse, 409: ErrorResponse },
            detail: { tags: ['Admin'], summary: 'Delete a category (409 while it has products or subcategories)' },
          },
        ),
    )
    .guard({ detail: { tags: ['Products'] } }, (app) =>
      app
        // The JSON of a recent identical search, answered as it is (see ProductListCache).
        .get('/products', async ({ query, queryExtras }) => cachedBodyResponse(await lists.searchJson(deps, query, queryExtras), { headers: JSON_HEADERS }), {
          query: M.searchQuery,
          strictQuery: { schema: M.searchQuery, extra: ATTR_PARAM },
          response: { 200: M.searchPage, 400: ErrorResponse },
          detail: {
            summary: 'Search and browse the catalog',
            description:
              'Full-text search (`q`, ranked) with filters and keyset pages. `attr.<key>=<value>` filters on an attribute value (any number of keys). Unknown or repeated parameters are refused with 400 naming them.',
          },
        })
        .post('/products', async ({ user, body, status }) => created(status, await createProduct(deps, user, body)), {
          auth: 'vendor',
          body: M.createProductBody,
          response: { 201: M.product, 400: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'List a product in my shop (draft unless status is active)' },
        })
        .get('/me/products', ({ user, query }) => listMyProducts(deps, user, { status: query.status, cursor: query.cursor, limit: query.limit ?? DEFAULT_LIMIT }), {
          auth: 'vendor',
          query: M.mineQuery,
          strictQuery: { schema: M.mineQuery },
          response: { 200: M.productPage, 400: ErrorResponse },
          detail: { summary: 'My products in every state, newest first' },
        })
        .get('/products/:slug', ({ params, viewer }) => getProduct(deps, params.slug, viewer), {
          viewer: true,
          params: M.productParams,
          response: { 200: M.product, 404: ErrorResponse },
          detail: { summary: 'A product (its vendor and admins also see drafts and archived ones)' },
        })
        .patch('/products/:slug', ({ user, params, body, origin }) => updateProduct(deps, user, origin, params.slug, body), {
          auth: ['vendor', 'admin'],
          params: M.productParams,
          body: M.updateProductBody,
          response: { 200: M.product, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Change my product (or any, as an admin); stock, price and status changes go live on product:<id>' },
        })
        .delete(
          '/products/:slug',
          async ({ user, params, origin, status }) => {
            await deleteProduct(deps, user, origin, params.slug)
            return status(204, undefined)
          },
          {
            auth: ['vendor', 'admin'],
            params: M.productParams,
            response: { 204: t.Undefined(), 404: ErrorResponse },
            detail: { summary: 'Delete my product (soft: its link keeps answering 404, its slug is never reused)' },
          },
        )
        .post('/products/:slug/mark-sold', ({ user, params, origin }) => markSold(deps, user, origin, params.slug), {
          auth: ['vendor', 'admin'],
          params: M.productParams,
          response: { 200: M.product, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Mark an active product sold' },
        })
        .post('/products/:slug/reactivate', ({ user, params, origin }) => reactivate(deps, user, origin, params.slug), {
          auth: ['vendor', 'admin'],
          params: M.productParams,
          response: { 200: M.product, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Put a sold or archived product back on sale' },
        })
        .get('/products/:slug/similar', async ({ params, query }) => ({ items: await similarProducts(deps, params.slug, query.limit ?? 8) }), {
          params: M.productParams,
          query: M.listLimitQuery,
          strictQuery: { schema: M.listLimitQuery },
          response: { 200: M.productList, 400: ErrorResponse, 404: ErrorResponse },
          detail: { summary: 'Products like this one (same category first, then similar titles)' },
        })
        .get('/search/suggest', ({ query }) => suggest(deps, query.q, query.limit ?? 8), {
          query: M.suggestQuery,
          strictQuery: { schema: M.suggestQuery },
          response: { 200: M.suggestions, 400: ErrorResponse },
          detail: { summary: 'Suggestions while typing: products by word prefix, categories by name' },
        })
        .post('/products/:slug/images', async ({ user, params, body, status }) => created(status, await addImage(deps, user, params.slug, body.file)), {
          auth: ['vendor', 'admin'],
          params: M.productParams,
          body: M.imageUploadBody,
          upload: UPLOAD_LIMITS.maxBytes,
          rateLimit: CATALOG_LIMITS.image,
          response: { 201: M.productImage, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 429: ErrorResponse },
          detail: {
            tags: ['Media'],
            summary: 'Add a photo to my product (multipart, field "file")',
            description: `Checked by content (JPEG, PNG, WebP or GIF), at most 5 MB and 40 megapixels, then re-encoded without metadata into a display size (within 1600 px) and a 480 px square thumbnail, both WebP. At most ${MAX_IMAGES} photos (409). 413: too large; 415: not an accepted image; 400: too many pixels or undecodable.`,
          },
        })
        .put('/products/:slug/images', async ({ user, params, body }) => ({ items: await reorderImages(deps, user, params.slug, body) }), {
          auth: ['vendor', 'admin'],
          params: M.productParams,
          body: M.imageOrderBody,
          response: { 200: M.imageList, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
          detail: { tags: ['Media'], summary: 'Reorder the photos of my product (the first is the primary one)' },
        })
        .post('/products/:slug/images/:imageId/primary', async ({ user, params }) => ({ items: await makePrimary(deps, user, params.slug, params.imageId) }), {
          auth: ['vendor', 'admin'],
          params: M.imageParams,
          response: { 200: M.imageList, 403: ErrorResponse, 404: ErrorResponse },
          detail: { tags: ['Media'], summary: 'Make a photo the primary one (moves it first)' },
        })
        .delete(
          '/products/:slug/images/:imageId',
          async ({ user, params, status }) => {
            await deleteImage(deps, user, params.slug, params.imageId)
            return status(204, undefined)
          },
          {
            auth: ['vendor', 'admin'],
            params: M.imageParams,
            response: { 204: t.Undefined(), 403: ErrorResponse, 404: ErrorResponse },
            detail: { tags: ['Media'], summary: 'Delete a photo of my product' },
          },
        )
        .get(
          '/product-images/:id/:file',
          async ({ params }) => {
            const [version, size] = params.file.slice(0, -'.webp'.length).split('-') as [string, 'display' | 'thumb']
            const bytes = await findImageFile(deps.db, params.id, version, size)
            if (bytes === null) throw new AppError('not_found', 'No such photo')
            return new Response(bytes, { headers: { 'content-type': 'image/webp', 'cache-control': IMAGE_CACHE, 'x-content-type-options': 'nosniff' } })
          },
          {
            params: M.imageFileParams,
            response: { 404: ErrorResponse },
            detail: { tags: ['Media'], summary: 'A product photo (the url or thumbnailUrl of an image); immutable, cached for a year', ...fileResponse('The photo', ['image/webp']) },
          },
        )
        .post('/products/:slug/videos', async ({ user, params, body, status }) => created(status, await addVideo(deps, user, params.slug, body.file)), {
          auth: ['vendor', 'admin'],
          params: M.productParams,
          body: M.videoUploadBody,
          upload: MAX_VIDEO_BYTES,
          rateLimit: CATALOG_LIMITS.video,
          response: { 201: M.productVideo, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 429: ErrorResponse },
          detail: {
            tags: ['Media'],
            summary: 'Add a video to my product (multipart, field "file")',
            description: `Checked by content (MP4 or WebM), at most ${MAX_VIDEO_BYTES / 1024 / 1024} MB, stored as uploaded. At most ${MAX_VIDEOS} videos (409). 413: too large; 415: not an MP4 or WebM video.`,
          },
        })
        .delete(
          '/products/:slug/videos/:videoId',
          async ({ user, params, status }) => {
            await deleteVideo(deps, user, params.slug, params.videoId)
            return status(204, undefined)
          },
          {
            auth: ['vendor', 'admin'],
            params: M.videoParams,
            response: { 204: t.Undefined(), 403: ErrorResponse, 404: ErrorResponse },
            detail: { tags: ['Media'], summary: 'Delete a video of my product' },
          },
        )
        .get(
          '/product-videos/:id/:file',
          async ({ params, request }) => {
            const found = await findVideoFile(deps.db, params.id, params.file.slice(0, params.file.indexOf('.')))
            if (found === null) throw new AppError('not_found', 'No such video')
            const headers = { 'content-type': found.contentType, 'cache-control': IMAGE_CACHE, 'accept-ranges': 'bytes', 'x-content-type-options': 'nosniff' }
            const range = parseByteRange(request.headers.get('range'), found.size)
            if (range === 'unsatisfiable') {
              const body = errorBody('range_not_satisfiable', `The video has ${found.size} bytes`, requestIdOf(request))
              return Response.json(body, { status: 416, headers: { 'content-range': `bytes */${found.size}` } })
            }
            if (range === null) {
              const bytes = await readVideoBytes(deps.db, params.id, { start: 0, end: found.size - 1 })
              return new Response(bytes, { headers: { ...headers, 'content-length': String(bytes.length) } })
            }
            const part = { start: range.start, end: Math.min(range.end, range.start + VIDEO_CHUNK - 1) }
            const bytes = await readVideoBytes(deps.db, params.id, part)
            const partHeaders = { ...headers, 'content-length': String(bytes.length), 'content-range': `bytes ${part.start}-${part.end}/${found.size}` }
            return new Response(bytes, { status: 206, headers: partHeaders })
          },
          {
            params: M.videoFileParams,
            response: { 404: ErrorResponse, 416: ErrorResponse },
            detail: {
              tags: ['Media'],
              summary: 'A product video (the url of a video); immutable, cached for a year',
              description: 'Answers a single `Range: bytes=…` with 206 and Content-Range (players seek with it), at most 4 MB at a time; 416 when the range starts past the end.',
              ...fileResponse('The video, whole (or the requested range, with 206)', ['video/mp4', 'video/webm']),
            },
          },
        )
        .patch('/admin/products/:slug', ({ user, params, body, origin }) => setPlacement(deps, user, origin, params.slug, body), {
          auth: 'admin',
          params: M.productParams,
          body: M.placementBody,
          response: { 200: M.product, 400: ErrorResponse, 404: ErrorResponse },
          detail: { tags: ['Admin'], summary: 'Feature or boost a product until a time (null ends it)' },
        }),
    )
    .guard({ detail: { tags: ['Engagement'] } }, (app) =>
      app
        .post('/products/:slug/favorite', ({ user, params }) => toggleFavorite(deps, user, params.slug), {
          auth: true,
          params: M.productParams,
          response: { 200: M.favoriteToggled, 404: ErrorResponse },
          detail: { summary: 'Add to or remove from my favorites (a toggle)' },
        })
        .get('/me/favorites', ({ user, query }) => listFavorites(deps, user, { cursor: query.cursor, limit: query.limit ?? DEFAULT_LIMIT }), {
          auth: true,
          query: VendorsModel.listQuery,
          strictQuery: { schema: VendorsModel.listQuery },
          response: { 200: M.productPage, 400: ErrorResponse },
          detail: { summary: 'My favorites, latest first' },
        })
        .post('/products/:slug/view', ({ viewer, params, request, server }) => recordView(deps, viewer, clientIpOf(request, server, ctx.config.trustProxy), params.slug), {
          viewer: true,
          params: M.productParams,
          response: { 200: M.viewRecorded, 404: ErrorResponse },
          detail: {
            summary: 'Count a view of the product page (once per viewer and day)',
            description: 'The product page calls this once it is shown; a signed-in view also feeds "recently viewed" and the share policy.',
          },
        })
        .get('/me/recently-viewed', async ({ user, query }) => ({ items: await listRecentlyViewed(deps, user, query.limit ?? 20) }), {
          auth: true,
          query: M.listLimitQuery,
          strictQuery: { schema: M.listLimitQuery },
          response: { 200: M.productList, 400: ErrorResponse },
          detail: { summary: 'Products I viewed recently, latest first' },
        })
        .post('/products/:slug/share', async ({ user, params, body, status }) => created(status, await shareProduct(deps, user, params.slug, body.channel ?? 'link')), {
          auth: true,
          params: M.productParams,
          body: M.shareBody,
          rateLimit: CATALOG_LIMITS.share,
          response: { 201: M.shared, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
          detail: {
            summary: 'Share a product: buyers who viewed it and its own vendor only (403 otherwise)',
            description: 'Records an immutable share event; sharesCount is the number of events.',
          },
        })
        .get('/products/:slug/stats', ({ user, params, query }) => productStats(deps, user, params.slug, query.days ?? 30), {
          auth: true,
          params: M.productParams,
          query: M.statsQuery,
          strictQuery: { schema: M.statsQuery },
          response: { 200: M.stats, 400: ErrorResponse, 404: ErrorResponse },
          detail: { summary: 'Views, favorites, shares and chats per day (its vendor and admins)' },
        }),
    )
    .guard({ detail: { tags: ['Moderation'] } }, (app) =>
      app
        .post('/products/:slug/report', async ({ user, params, body, status }) => created(status, await reportProduct(deps, user, params.slug, body)), {
          auth: true,
          params: M.productParams,
          body: M.reportBody,
          rateLimit: CATALOG_LIMITS.report,
          response: { 201: M.report, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
          detail: { summary: 'Report a product to the moderators' },
        })
        .post('/vendors/:slug/report', async ({ user, params, body, status }) => created(status, await reportVendor(deps, user, params.slug, body)), {
          auth: true,
          params: VendorsModel.slugParams,
          body: M.reportBody,
          rateLimit: CATALOG_LIMITS.report,
          response: { 201: M.report, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
          detail: { summary: 'Report a shop to the moderators' },
        })
        .get('/admin/reports', ({ query }) => listReports(deps, query), {
          auth: 'admin',
          query: M.reportsQuery,
          strictQuery: { schema: M.reportsQuery },
          response: { 200: M.reportPage, 400: ErrorResponse },
          detail: { tags: ['Admin'], summary: 'The moderation queue, oldest first, by status, subject (products or shops) and age' },
        })
        .post('/admin/reports/dismiss', ({ user, body, origin }) => eachItem(body.ids, (id) => resolveReport(moderation, user, origin, id, { action: 'dismiss' })), {
          auth: 'admin',
          body: M.reportsBody,
          response: { 200: BulkOutcome, 400: ErrorResponse },
          detail: { tags: ['Admin'], summary: 'Dismiss several reports at once (each as its own resolve would; those already resolved are listed as failed)' },
        })
        .post('/admin/reports/:id/resolve', ({ user, params, body, origin }) => resolveReport(moderation, user, origin, params.id, body), {
          auth: 'admin',
          params: M.reportParams,
          body: M.resolveBody,
          response: { 200: M.report, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { tags: ['Admin'], summary: 'Resolve a report: dismiss, unpublish the product, or suspend the shop' },
        })
        .get('/admin/listings/pending', ({ query }) => pendingListings(deps, query), {
          auth: 'admin',
          query: M.pendingQuery,
          strictQuery: { schema: M.pendingQuery },
          response: { 200: M.pendingListings, 400: ErrorResponse },
          detail: { tags: ['Admin'], summary: 'Listings waiting for review that their shops want public, oldest first (`minAgeHours`: waiting at least that long)' },
        })
        .post('/admin/listings/approve', ({ user, body, origin }) => eachItem(body.ids, (id) => decideListing(deps, user, origin, id, 'approve', null)), {
          auth: 'admin',
          body: M.listingsBody,
          response: { 200: BulkOutcome, 400: ErrorResponse },
          detail: { tags: ['Admin'], summary: 'Approve several waiting listings at once (each as its own approve would)' },
        })
        .post('/admin/listings/reject', ({ user, body, origin }) => eachItem(body.ids, (id) => decideListing(deps, user, origin, id, 'reject', body.reason.trim())), {
          auth: 'admin',
          body: M.rejectListingsBody,
          response: { 200: BulkOutcome, 400: ErrorResponse },
          detail: { tags: ['Admin'], summary: 'Reject several waiting listings at once with one reason their shops see' },
        })
        .post('/admin/listings/:id/approve', ({ user, params, origin }) => decideListing(deps, user, origin, params.id, 'approve', null), {
          auth: 'admin',
          params: M.listingParams,
          response: { 200: M.productSummary, 404: ErrorResponse, 409: ErrorResponse },
          detail: { tags: ['Admin'], summary: 'Approve a waiting listing: it becomes public' },
        })
        .post('/admin/listings/:id/reject', ({ user, params, body, origin }) => decideListing(deps, user, origin, params.id, 'reject', body.reason.trim()), {
          auth: 'admin',
          params: M.listingParams,
          body: M.rejectListingBody,
          response: { 200: M.productSummary, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { tags: ['Admin'], summary: 'Reject a waiting listing with a reason its shop sees (a material change sends it back)' },
        })
        .get('/admin/listings/rules', () => listingRulesOf(deps.db), {
          auth: 'admin',
          response: { 200: M.listingRules },
          detail: { tags: ['Admin'], summary: 'Which listings wait for review (off by default)' },
        })
        .put('/admin/listings/rules', ({ user, body, origin }) => setListingRules(deps, user, origin, body), {
          auth: 'admin',
          body: M.listingRules,
          response: { 200: M.listingRules, 400: ErrorResponse },
          detail: { tags: ['Admin'], summary: 'Set which listings wait for review: off, new_shops (shops not trusted yet) or all' },
        }),
    )
    .guard({ detail: { tags: ['Products'] } }, (app) =>
      app
        .post('/imports/products', async ({ user, body, status }) => status(202, toSnapshot(await requestProductImport(jobs, user, body.file, body.vendorId))), {
          auth: ['vendor', 'admin'],
          body: M.importBody,
          upload: IMPORT_MAX_BYTES,
          rateLimit: CATALOG_LIMITS.import,
          response: { 202: JobSnapshot, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
          detail: {
            summary: 'Import products from a CSV file (multipart: field "file", optional "vendorId" for admins)',
            description: `Creates or updates products by SKU in a job: 202 answers the job; follow it on job:<id> or GET /jobs/:id. Its result has counts (rows, created, updated, unchanged, failed) and problems: { total, items: [{ line, column, message }] } (the first ${IMPORT_PROBLEM_LIMIT}). Good rows land even when others are refused; the same file again leaves everything unchanged. Columns: ${PRODUCT_CSV_COLUMNS.map((c) => c.name).join(', ')}, then attr.<key> per attribute; GET /imports/products/template.csv is a sample. The dashboard imports into the vendor's own shop; vendorId (admins) is API-only. The file is refused as a whole when it is over ${IMPORT_MAX_BYTES / 1024 / 1024} MB or ${IMPORT_MAX_ROWS} rows (413), not UTF-8 text (415), or its header is wrong (400).`,
          },
        })
        .get(
          '/imports/products/template.csv',
          async () => new Response(sampleProductsCsv(await tree.get(deps.db)), { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="souk-products-sample.csv"' } }),
          { detail: { summary: 'A sample product CSV: the header and two rows to start from', ...fileResponse('The sample CSV', ['text/csv']) } },
        )
        .get(
          '/me/products/export.csv',
          async ({ user, query }) => {
            const file = await exportProductsCsv(deps, user, query.vendorId)
            return privateDownload(file.body, { contentType: 'text/csv; charset=utf-8', fileName: file.fileName })
          },
          {
            auth: ['vendor', 'admin'],
            query: M.exportQuery,
            strictQuery: { schema: M.exportQuery },
            response: { 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
            detail: { summary: 'My products as CSV, in the format the import reads (admins: any shop with vendorId)', description: 'The dashboard downloads the vendor’s own; `vendorId` (admins) is API-only.', ...fileResponse('The CSV', ['text/csv']) },
          },
        ),
    )
}
