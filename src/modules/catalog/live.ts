// The live event of a product, for `product:<id>`. Schema only: the web client bundles it through
// its events.ts and src/realtime/protocol.ts, so nothing server-only may be imported here.
import { t } from 'elysia/type-system'

export const PRODUCT_STATUSES = ['draft', 'active', 'sold', 'archived'] as const
export type ProductStatus = (typeof PRODUCT_STATUSES)[number]

/** Whether admins let a listing be public (LISTING_APPROVAL): approved, waiting for review, or rejected with a reason. */
/** What a report in the moderation queue is about: a product, or a shop as a whole. */
export const REPORT_SUBJECTS = ['product', 'shop'] as const
export type ReportSubject = (typeof REPORT_SUBJECTS)[number]

export const LISTING_REVIEW_STATES = ['approved', 'pending', 'rejected'] as const
export type ListingReviewState = (typeof LISTING_REVIEW_STATES)[number]
/** Which listings wait for an admin: none, those of shops not trusted yet, or all. */
export const LISTING_APPROVAL_MODES = ['off', 'new_shops', 'all'] as const
export type ListingApprovalMode = (typeof LISTING_APPROVAL_MODES)[number]

/** Price, stock or status changed; only the changed fields are present, folded in `version` order. */
export const ProductUpdatedData = t.Object({
  productId: t.String(),
  version: t.Integer(),
  changes: t.Object({
    priceMinor: t.Optional(t.Integer()),
    currency: t.Optional(t.String()),
    stock: t.Optional(t.Integer()),
    status: t.Optional(t.Union(PRODUCT_STATUSES.map((s) => t.Literal(s)))),
  }),
  at: t.String({ format: 'date-time' }),
})
export type ProductUpdatedData = typeof ProductUpdatedData.static
