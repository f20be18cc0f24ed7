import { t, type TSchema } from 'elysia'
import { bulkIds, minAgeHours } from '../../lib/admin-queues'
import { enumOf } from '../../lib/schema'
import { idSchema } from '../../lib/ids'
import { pageOf, pageQuery } from '../../lib/pagination'
import { VendorsModel } from '../vendors'
import { LISTING_APPROVAL_MODES, LISTING_REVIEW_STATES, ProductUpdatedData, REPORT_SUBJECTS } from './live'
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from './csv-format'
import { ATTRIBUTE_TYPES, CONDITIONS, PRODUCT_STATUSES, REPORT_REASONS, REPORT_RESOLUTIONS, REPORT_STATUSES, SHARE_CHANNELS, VIDEO_CONTENT_TYPES } from './table'
import { ratingSchema } from '../../lib/rating'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])

/** Sort orders of the product search; `relevance` needs `q` and is its default. */
export const SORTS = ['relevance', 'newest', 'price_asc', 'price_desc', 'popularity'] as const
export type Sort = (typeof SORTS)[number]

/** `attr.<key>` query parameters filter on attribute values; keys look like definition keys. */
export const ATTR_PARAM = /^attr\.([a-z][a-z0-9_]{0,39})$/

export namespace CatalogModel {
  export const slug = t.String({ pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', minLength: 2, maxLength: 80, description: 'lower-case letters, digits and single dashes' })
  const imageUrl = t.String({ pattern: '^(https?://|/)[^\\s]*$', maxLength: 500, description: 'absolute http(s) URL or a site path' })
  export const attributeKey = t.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' })
  export const attributeValue = t.Union([t.String({ maxLength: 200 }), t.Number(), t.Boolean()])
  export const attributes = t.Record(t.String(), attributeValue, { description: 'attribute key -> value, checked against the category definitions' })

  export const attributeDefinition = t.Object({
    key: attributeKey,
    label: t.String({ minLength: 1, maxLength: 60 }),
    type: enumOf(ATTRIBUTE_TYPES),
    options: t.Optional(t.Array(t.String({ minLength: 1, maxLength: 60 }), { minItems: 1, maxItems: 100, description: 'the values a `select` allows' })),
    required: t.Optional(t.Boolean()),
  })

  // ---- categories

  export const category = t.Object({
    id: idSchema('cat'),
    parentId: nullable(idSchema('cat')),
    slug: t.String(),
    name: t.String(),
    description: nullable(t.String()),
    imageUrl: nullable(t.String()),
    attributes: t.Array(attributeDefinition, { description: "this category's own definitions; products also carry their ancestors'" }),
    position: t.Integer(),
  })
  export type Category = typeof category.static
  // Flat rather than nested: Elysia's types cannot follow a recursive schema, and a client
  // rebuilds nesting from parentId (or indents by depth) in one pass.
  export const categoryNode = t.Object({ ...category.properties, depth: t.Integer({ description: '0 for a top-level category' }) })
  export type CategoryNode = typeof categoryNode.static
  export const categoryTree = t.Object({
    items: t.Array(categoryNode, { description: 'the whole tree in display order: each category right before its subcategories, siblings by position then name' }),
  })
  export type CategoryTree = typeof categoryTree.static

  export const createCategoryBody = t.Object({
    name: t.String({ minLength: 1, maxLength: 80 }),
    slug,
    parentId: t.Optional(nullable(idSchema('cat'))),
    description: t.Optional(nullable(t.String({ maxLength: 2000 }))),
    imageUrl: t.Optional(nullable(imageUrl)),
    attributes: t.Optional(t.Array(attributeDefinition, { maxItems: 30 })),
    position: t.Optional(t.Integer({ minimum: 0, maximum: 10_000 })),
  })
  export type CreateCategoryBody = typeof createCategoryBody.static
  export const updateCategoryBody = t.Partial(createCategoryBody, { description: 'only the fields given change; `parentId` moves the category (null: to the top)' })
  export type UpdateCategoryBody = typeof updateCategoryBody.static
  export const categoryParams = t.Object({ id: idSchema('cat') })

  // ---- products

  export const condition = enumOf(CONDITIONS)
  export const status = enumOf(PRODUCT_STATUSES)
  const currency = t.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. MAD' })
  const priceMinor = t.Integer({ minimum: 0, maximum: 2_000_000_000, description: 'integer minor units of the currency (12550 = 125.50)' })

  export const categoryRef = t.Object({ id: idSchema('cat'), slug: t.String(), name: t.String() })

  /** A product photo: `url` is the display size (at most 1600 px wide or tall), `thumbnailUrl` a 480 px square. */
  export const productImage = t.Object({
    id: idSchema('img'),
    url: t.String(),
    thumbnailUrl: t.String(),
    width: t.Integer({ description: 'of the display size' }),
    height: t.Integer(),
  })
  export type ProductImage = typeof productImage.static

  /** A product video, served as uploaded from `url` (immutable; answers Range requests). */
  export const productVideo = t.Object({
    id: idSchema('vid'),
    url: t.String(),
    contentType: enumOf(VIDEO_CONTENT_TYPES),
    size: t.Integer({ description: 'bytes' }),
  })
  export type ProductVideo = typeof productVideo.static

  /** What lists show: cards in the catalog, favorites, similar products. */
  export const productSummary = t.Object({
    id: idSchema('prd'),
    slug: t.String(),
    title: t.String(),
    priceMinor: t.Integer(),
    currency: t.String(),
    stock: t.Integer(),
    condition,
    location: t.String(),
    status,
    category: nullable(categoryRef),
    vendor: VendorsModel.summary,
    featured: t.Boolean({ description: 'featured by an admin, and not expired' }),
    boosted: t.Boolean({ description: 'paid placement, not expired' }),
    viewsCount: t.Integer(),
    favoritesCount: t.Integer(),
    rating: ratingSchema,
    review: t.Object(
      {
        state: enumOf(LISTING_REVIEW_STATES),
        reason: nullable(t.String({ description: 'why an admin rejected it (its shop sees it)' })),
        submittedAt: nullable(t.Date({ description: 'when it began waiting for review' })),
      },
      { description: 'admins’ review of the listing: only an approved one is public (its shop and admins see the others)' },
    ),
    image: t.Union([productImage, t.Null()], { description: 'the primary photo; null when there is none (show a placeholder)' }),
    createdAt: t.Date(),
  })
  export type ProductSummary = typeof productSummary.static

  export const listingRules = t.Object({
    approval: enumOf(LISTING_APPROVAL_MODES, { description: 'off: listings are public at once; new_shops: listings of shops not trusted yet wait for an admin; all: every listing waits' }),
    trustedAfter: t.Integer({ minimum: 1, maximum: 1_000, description: 'under new_shops, a shop with this many approved listings and no upheld report is trusted' }),
  })
  export type ListingRules = typeof listingRules.static
  export const rejectListingBody = t.Object({ reason: t.String({ minLength: 3, maxLength: 1_000, description: 'shown to the shop' }) })
  export const listingParams = t.Object({ id: idSchema('prd') })
  export const pendingQuery = t.Object({ ...pageQuery, minAgeHours })
  export const listingsBody = t.Object({ ids: bulkIds(idSchema('prd')) })
  export const rejectListingsBody = t.Object({ ids: bulkIds(idSchema('prd')), reason: rejectListingBody.properties.reason })
  export const pendingListings = pageOf(t.Object({ product: productSummary, description: t.String() }))

  export const product = t.Composite([
    productSummary,
    t.Object({
      description: t.String(),
      sku: nullable(t.String()),
      attributes,
      sharesCount: t.Integer({ description: 'the number of share events' }),
      images: t.Array(productImage, { description: 'in display order; the first is the primary photo' }),
      videos: t.Array(productVideo, { description: 'in upload order; shown after the photos' }),
      featuredUntil: nullable(t.Date()),
      boostedUntil: nullable(t.Date()),
      unpublished: t.Boolean({ description: 'hidden by a moderator' }),
      version: t.Integer({ description: 'grows with every change; live updates carry it' }),
      updatedAt: t.Date(),
      favorited: t.Boolean({ description: 'whether the caller has it in their favorites (false when anonymous)' }),
      canEdit: t.Boolean({ description: 'whether the caller may change it (its vendor or an admin)' }),
      vendorUserId: idSchema('usr', { description: "the shop owner's account: their presence (presence:<id>, /users/:id/presence) shows on the page" }),
    }),
  ])
  export type Product = typeof product.static

  export const createProductBody = t.Object({
    title: t.String({ minLength: 3, maxLength: 140 }),
    description: t.String({ minLength: 1, maxLength: 10_000 }),
    priceMinor,
    currency,
    stock: t.Integer({ minimum: 0, maximum: 1_000_000 }),
    sku: t.Optional(nullable(t.String({ pattern: '^[A-Za-z0-9._/-]{1,64}$', description: 'unique among your live products' }))),
    condition,
    location: t.String({ minLength: 1, maxLength: 100 }),
    categoryId: idSchema('cat'),
    attributes: t.Optional(attributes),
    status: t.Optional(enumOf(['draft', 'active'], { description: 'default draft' })),
  })
  export type CreateProductBody = typeof createProductBody.static

  export const updateProductBody = t.Partial(
    t.Composite([
      t.Omit(createProductBody, ['status']),
      t.Object({ status: enumOf(['draft', 'active', 'archived'], { description: '`sold` only through mark-sold' }) }),
    ]),
    { description: 'only the fields given change; the slug never does' },
  )
  export type UpdateProductBody = typeof updateProductBody.static

  export const placementBody = t.Object({
    featuredUntil: t.Optional(nullable(t.Date({ description: 'featured until then; null ends it' }))),
    boostedUntil: t.Optional(nullable(t.Date({ description: 'boosted until then; null ends it' }))),
  })
  export type PlacementBody = typeof placementBody.static

  export const productParams = t.Object({ slug: t.String({ minLength: 1, maxLength: 120 }) })

  // ---- media

  export const imageUploadBody = t.Object({
    file: t.File({ description: 'a JPEG, PNG, WebP or GIF photo of at most 5 MB and 40 megapixels, recognised by its content' }),
  })
  export const imageParams = t.Object({ slug: t.String({ minLength: 1, maxLength: 120 }), imageId: idSchema('img') })
  export const imageOrderBody = t.Object({
    imageIds: t.Array(idSchema('img'), { minItems: 1, maxItems: 50, description: "every photo of the product, once each, in the new order (the first becomes primary)" }),
  })
  export type ImageOrderBody = typeof imageOrderBody.static
  export const imageList = t.Object({ items: t.Array(productImage) })
  export const videoUploadBody = t.Object({
    file: t.File({ description: 'an MP4 or WebM video of at most 25 MB, recognised by its content' }),
  })
  export const videoParams = t.Object({ slug: t.String({ minLength: 1, maxLength: 120 }), videoId: idSchema('vid') })
  export const videoFileParams = t.Object({
    id: idSchema('vid'),
    file: t.String({ pattern: '^[0-9a-f]{16}\\.(mp4|webm)$', description: 'as in the url of a video' }),
  })
  export const imageFileParams = t.Object({
    id: idSchema('img'),
    file: t.String({ pattern: '^[0-9a-f]{16}-(display|thumb)\\.webp$', description: 'as in the url or thumbnailUrl of a photo' }),
  })

  /**
   * The catalog search. Every parameter is honoured or refused with 400 naming it: unknown
   * parameters and repeated ones are refused too. `attr.<key>=<value>` (any number of keys)
   * matches attribute values exactly; it is read from the URL, see strictQuery.
   */
  export const searchQuery = t.Object({
    ...pageQuery,
    q: t.Optional(t.String({ minLength: 1, maxLength: 200, description: 'words to find in title, description and attributes' })),
    category: t.Optional(t.String({ maxLength: 80, description: 'category slug; its descendants are included' })),
    minPrice: t.Optional(t.Integer({ minimum: 0, title: 'query.minPrice', description: 'minor units' })),
    maxPrice: t.Optional(t.Integer({ minimum: 0, title: 'query.maxPrice', description: 'minor units' })),
    currency: t.Optional(currency),
    condition: t.Optional(condition),
    location: t.Optional(t.String({ minLength: 1, maxLength: 100, description: 'part of the location, any case' })),
    vendor: t.Optional(t.String({ maxLength: 60, description: 'shop slug' })),
    inStock: t.Optional(t.Boolean({ title: 'query.inStock' })),
    featured: t.Optional(t.Boolean({ title: 'query.featured' })),
    boosted: t.Optional(t.Boolean({ title: 'query.boosted' })),
    sort: t.Optional(enumOf(SORTS, { description: 'default: relevance with q, newest without' })),
  })
  export type SearchQuery = typeof searchQuery.static
  export const productPage = pageOf(productSummary)
  export const searchPage = t.Object({
    ...productPage.properties,
    total: nullable(t.Integer({ minimum: 0, description: 'listings matching the search, on the first page (no cursor); null on the pages after it' })),
  })
  export type SearchPage = typeof searchPage.static

  export const mineQuery = t.Object({ ...pageQuery, status: t.Optional(status) })

  export const suggestQuery = t.Object({ q: t.String({ minLength: 1, maxLength: 100 }), limit: t.Optional(t.Integer({ minimum: 1, maximum: 20, title: 'query.limit' })) })
  export const suggestions = t.Object({
    products: t.Array(t.Object({ slug: t.String(), title: t.String() })),
    categories: t.Array(categoryRef),
  })
  export type Suggestions = typeof suggestions.static

  export const listLimitQuery = t.Object({ limit: t.Optional(t.Integer({ minimum: 1, maximum: 50, title: 'query.limit' })) })
  export const productList = t.Object({ items: t.Array(productSummary) })

  // ---- engagement

  export const favoriteToggled = t.Object({ favorited: t.Boolean(), favoritesCount: t.Integer() })
  export type FavoriteToggled = typeof favoriteToggled.static
  export const viewRecorded = t.Object({ counted: t.Boolean({ description: "false when this viewer was already counted today, or is the product's vendor" }), viewsCount: t.Integer() })
  export type ViewRecorded = typeof viewRecorded.static

  export const shareBody = t.Object({ channel: t.Optional(enumOf(SHARE_CHANNELS, { description: 'default link' })) })
  export const shared = t.Object({
    id: idSchema('shr'),
    productId: idSchema('prd'),
    channel: enumOf(SHARE_CHANNELS),
    url: t.String({ description: 'the public link to share' }),
    createdAt: t.Date(),
    sharesCount: t.Integer(),
  })
  export type Shared = typeof shared.static

  export const statsQuery = t.Object({ days: t.Optional(t.Integer({ minimum: 1, maximum: 365, title: 'query.days', description: 'default 30' })) })
  const counters = { views: t.Integer(), favorites: t.Integer(), shares: t.Integer(), chats: t.Integer() }
  export const stats = t.Object({
    productId: idSchema('prd'),
    totals: t.Object(counters, { description: 'all time; favorites is the current count' }),
    days: t.Array(t.Object({ day: t.String({ format: 'date' }), ...counters }), { description: 'oldest first, one entry per day (zeros included)' }),
  })
  export type Stats = typeof stats.static

  // ---- reports

  export const reportBody = t.Object({
    reason: enumOf(REPORT_REASONS),
    details: t.Optional(t.String({ maxLength: 2000 })),
  })
  export type ReportBody = typeof reportBody.static
  export const report = t.Object({
    id: idSchema('rpt'),
    reporterId: idSchema('usr'),
    target: enumOf(['product', 'vendor']),
    product: nullable(t.Object({ id: idSchema('prd'), slug: t.String(), title: t.String() })),
    vendor: VendorsModel.summary,
    reason: enumOf(REPORT_REASONS),
    details: nullable(t.String()),
    status: enumOf(REPORT_STATUSES),
    resolution: nullable(enumOf(REPORT_RESOLUTIONS)),
    resolutionNote: nullable(t.String()),
    resolvedAt: nullable(t.Date()),
    createdAt: t.Date(),
  })
  export type Report = typeof report.static
  export const reportPage = pageOf(report)
  export type ReportPage = typeof reportPage.static
  export const reportsQuery = t.Object({
    ...pageQuery,
    status: t.Optional(enumOf(REPORT_STATUSES, { description: 'default open' })),
    subject: t.Optional(enumOf(REPORT_SUBJECTS, { description: 'reports of products, or of shops; default both' })),
    minAgeHours,
  })
  export type ReportsQuery = typeof reportsQuery.static
  export const reportsBody = t.Object({ ids: bulkIds(idSchema('rpt')) })
  export const reportParams = t.Object({ id: idSchema('rpt') })
  export const resolveBody = t.Object({
    action: enumOf(REPORT_RESOLUTIONS, { description: 'unpublish needs a product report; suspend_vendor suspends the shop named by the report' }),
    note: t.Optional(t.String({ maxLength: 1000 })),
  })
  export type ResolveBody = typeof resolveBody.static

  // ---- CSV import and export (columns: csv-format.ts)

  export const importBody = t.Object({
    file: t.File({ description: `a UTF-8 CSV file of at most ${IMPORT_MAX_BYTES / 1024 / 1024} MB and ${IMPORT_MAX_ROWS} rows, its first line the header (see the product CSV format)` }),
    vendorId: t.Optional(idSchema('ven', { description: 'the shop to import into: admins, any shop; vendors, only their own (403 otherwise). Default: my shop' })),
  })
  export const exportQuery = t.Object({
    vendorId: t.Optional(idSchema('ven', { description: 'the shop to export: admins, any shop; vendors, only their own (403 otherwise). Default: my shop' })),
  })

  // ---- live

  /**
   * Published on `product:<id>` after a change to its stock, price or status commits. `changes`
   * holds only the fields that changed; a client folds them over its copy in `version` order
   * (web: `foldVersions`), and reads the product again when a version is skipped.
   */
  export const productUpdated = ProductUpdatedData
  export type ProductUpdated = typeof productUpdated.static
}

/** The bus topic of one product's live updates. */
export const productTopic = (productId: string) => `product:${productId}`
