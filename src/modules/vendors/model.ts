import { t, type TSchema } from 'elysia'
import { enumOf } from '../../lib/schema'
import { idSchema } from '../../lib/ids'
import { pageOf, pageQuery } from '../../lib/pagination'
import { VENDOR_STATUSES } from './status'
import { ratingSchema } from '../../lib/rating'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])

export namespace VendorsModel {
  export const slug = t.String({ pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', minLength: 3, maxLength: 60, description: 'lower-case letters, digits and single dashes' })
  export const status = enumOf(VENDOR_STATUSES)

  // Only what an applicant may set: status, logo and review fields are the platform's.
  export const applyBody = t.Object({
    companyName: t.String({ minLength: 2, maxLength: 120 }),
    slug,
    description: t.String({ minLength: 20, maxLength: 4000 }),
    contactEmail: t.String({ format: 'email', maxLength: 254 }),
    contactPhone: t.String({ pattern: '^\\+?[0-9 ()-]{6,32}$', description: 'digits, spaces, ()- and an optional leading +' }),
    address: t.String({ minLength: 5, maxLength: 300 }),
    city: t.String({ minLength: 1, maxLength: 100 }),
    country: t.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, e.g. MA' }),
    website: t.Optional(nullable(t.String({ pattern: '^https?://[^\\s]+$', maxLength: 200 }))),
    taxNumber: t.String({ pattern: '^[A-Za-z0-9 .-]{4,32}$', description: 'unique across shops; spaces, dots and dashes are ignored' }),
  })
  export type ApplyBody = typeof applyBody.static

  /** The whole record: its owner and admins see this. */
  export const vendor = t.Object({
    id: idSchema('ven'),
    userId: idSchema('usr'),
    companyName: t.String(),
    slug: t.String(),
    description: t.String(),
    contactEmail: t.String(),
    contactPhone: t.String(),
    address: t.String(),
    city: t.String(),
    country: t.String(),
    website: nullable(t.String()),
    taxNumber: t.String(),
    logoUrl: nullable(t.String()),
    status,
    statusReason: nullable(t.String({ description: 'why it was rejected or suspended' })),
    reviewedAt: nullable(t.Date()),
    approvedAt: nullable(t.Date()),
    createdAt: t.Date(),
    updatedAt: t.Date(),
  })
  export type Vendor = typeof vendor.static
  export const myShop = t.Object({ shop: nullable(vendor) })
  export type MyShop = typeof myShop.static

  /** The public storefront: no street address, tax number or review history. */
  export const storefront = t.Object({
    id: idSchema('ven'),
    ownerId: idSchema('usr', { description: 'the account that runs the shop: the shop posts as it, and following the shop is following it' }),
    companyName: t.String(),
    slug: t.String(),
    description: t.String(),
    contactEmail: t.String(),
    contactPhone: t.String(),
    city: t.String(),
    country: t.String(),
    website: nullable(t.String()),
    logoUrl: nullable(t.String()),
    memberSince: t.Date({ description: 'when the shop was approved' }),
    rating: ratingSchema,
    badge: nullable(t.String({ description: 'the badge of the shop’s plan (null: none)' })),
  })
  export type Storefront = typeof storefront.static

  /** How a product or report names its shop. */
  export const summary = t.Object({ id: idSchema('ven'), slug: t.String(), companyName: t.String(), logoUrl: nullable(t.String()), city: t.String(), country: t.String() })
  export type Summary = typeof summary.static

  export const storefrontPage = pageOf(storefront)
  export const vendorPage = pageOf(vendor)
  export const listQuery = t.Object(pageQuery)
  export const adminListQuery = t.Object({ ...pageQuery, status: t.Optional(status) })
  export const slugParams = t.Object({ slug: t.String({ maxLength: 60 }) })
  export const idParams = t.Object({ id: idSchema('ven') })
  export const reasonBody = t.Object({ reason: t.String({ minLength: 3, maxLength: 1000, description: 'shown to the shop owner' }) })
}
