import { t, type TSchema } from 'elysia'
import { idSchema } from '../../lib/ids'
import { enumOf } from '../../lib/schema'
import { CatalogModel } from '../catalog'
import { MAX_BOOST_DAYS, PLACEMENT_STATUSES } from './status'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])

/** Boosts a shop buys with its plan's credits, and featured placement admins grant from shops' applications. */
export namespace PlacementsModel {
  export const boostBody = t.Object({ days: t.Integer({ minimum: 1, maximum: MAX_BOOST_DAYS, description: 'one boost credit a day' }) })
  export type BoostBody = typeof boostBody.static
  export const boost = t.Object({
    id: idSchema('bst'),
    productId: idSchema('prd'),
    days: t.Integer(),
    startsAt: t.Date({ description: 'now, or where the listing’s running boost ends' }),
    endsAt: t.Date({ description: 'the listing is promoted until then' }),
    creditsLeft: t.Integer({ description: 'the shop’s boost credits after this one' }),
  })
  export type Boost = typeof boost.static

  export const status = enumOf(PLACEMENT_STATUSES)
  export const applyBody = t.Object({
    productId: idSchema('prd', { description: 'one of my shop’s listings on sale' }),
    message: t.Optional(t.String({ maxLength: 1_000, description: 'why this listing, for the admins' })),
  })
  export type ApplyBody = typeof applyBody.static
  export const application = t.Object({
    id: idSchema('pla'),
    product: CatalogModel.productSummary,
    message: nullable(t.String()),
    status,
    featuredUntil: nullable(t.Date({ description: 'granted: featured until then' })),
    declineReason: nullable(t.String()),
    createdAt: t.Date(),
    decidedAt: nullable(t.Date()),
  })
  export type Application = typeof application.static
  export const slots = t.Object({
    featuredSlots: t.Integer({ description: 'listings the shop’s plan lets it have featured at once' }),
    featuredNow: t.Integer({ description: 'its listings featured now' }),
  })
  export const mine = t.Composite([
    slots,
    t.Object({
      boostCredits: t.Integer({ description: 'credits left this period (a boost takes one a day)' }),
      applications: t.Array(application, { description: 'newest first, the last 50' }),
    }),
  ])
  export type Mine = typeof mine.static

  export const pending = t.Composite([application, slots])
  export const featured = t.Object({
    product: CatalogModel.productSummary,
    featuredUntil: nullable(t.Date({ description: 'null: the feature ended' })),
    capped: nullable(
      t.Object(
        {
          askedUntil: t.Date({ description: 'the end the admin asked for' }),
          reason: t.String({ description: 'why the shop’s paid plan period ends then, for the admin' }),
        },
        { description: 'a granted application cut to the end of the shop’s paid plan period (its plan is cancelled, or moves to one without featured slots); null: as asked' },
      ),
    ),
  })
  export type Featured = typeof featured.static
  export const adminView = t.Object({
    applications: t.Array(pending, { description: 'waiting for an admin, oldest first (at most 100), with the shop’s slots and how many it uses' }),
    featured: t.Array(t.Object({ product: CatalogModel.productSummary, featuredUntil: t.Date() }), { description: 'every listing featured now, the soonest end first' }),
  })
  export type AdminView = typeof adminView.static
  export const grantBody = t.Object({
    productId: idSchema('prd'),
    featuredUntil: nullable(t.Date({ description: 'featured until then (in the future); null ends the feature now' })),
    applicationId: t.Optional(idSchema('pla', { description: 'the shop’s application this grants (its plan’s slots then apply); without it an admin features any listing' })),
  })
  export type GrantBody = typeof grantBody.static
  export const declineBody = t.Object({ reason: t.String({ minLength: 3, maxLength: 1_000, description: 'shown to the shop' }) })
  export const applicationParams = t.Object({ id: idSchema('pla') })
}
