import { t, type TSchema } from 'elysia'
import { idSchema } from '../../lib/ids'
import { pageOf, pageQuery } from '../../lib/pagination'
import { enumOf } from '../../lib/schema'
import { CHARGE_KINDS, PLAN_INTERVALS } from './status'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])
const money = (description: string) => t.Integer({ minimum: 0, maximum: 100_000_000, description })

export namespace PlansModel {
  export const interval = enumOf(PLAN_INTERVALS)

  /** What a plan gives, as data (a subscription keeps a copy for its period). */
  export const perks = {
    maxActiveListings: nullable(t.Integer({ minimum: 0, maximum: 1_000_000, description: 'the most listings on sale at once; null: no limit' })),
    boostCreditsPerMonth: t.Integer({ minimum: 0, maximum: 10_000, description: 'boosts a shop may buy with credits each month (a yearly period gets twelve months’ worth at its start)' }),
    featuredSlots: t.Integer({ minimum: 0, maximum: 1_000, description: 'listings that may be featured at once' }),
    commissionBp: nullable(t.Integer({ minimum: 0, maximum: 5_000, description: 'commission on the shop’s sales, basis points; null: the platform’s' })),
    prioritySupport: t.Boolean({ description: 'support answers the shop first' }),
    badge: nullable(t.String({ minLength: 1, maxLength: 24, description: 'shown on the storefront; null: none' })),
  }

  /** A plan as shops compare them. */
  export const plan = t.Object({
    id: idSchema('pln'),
    name: t.String(),
    isFree: t.Boolean({ description: 'every shop’s plan without a subscription' }),
    currency: t.String(),
    monthlyPriceMinor: t.Integer(),
    yearlyPriceMinor: t.Integer(),
    yearlySavingPercent: t.Integer({ description: 'what the yearly price saves on twelve monthly payments, rounded down' }),
    ...perks,
    effectiveCommissionBp: t.Integer({ description: 'the commission a shop on this plan pays: its own, or the platform’s' }),
    position: t.Integer({ description: 'order in the comparison, lowest first' }),
    retired: t.Boolean({ description: 'takes no new subscribers (its subscribers keep it until they change)' }),
  })
  export type Plan = typeof plan.static
  export const planList = t.Object({ items: t.Array(plan, { description: 'the free plan first, then by position' }) })

  /** An admin's view: when it changed, and how many shops are on it now. */
  export const adminPlan = t.Object({
    ...plan.properties,
    subscribers: t.Integer({ description: 'shops whose current paid period is on this plan' }),
    retiredAt: nullable(t.Date()),
    createdAt: t.Date(),
    updatedAt: t.Date(),
  })
  export type AdminPlan = typeof adminPlan.static
  export const adminPlanList = t.Object({ items: t.Array(adminPlan, { description: 'every plan, retired ones too' }) })

  const name = t.String({ minLength: 2, maxLength: 60 })
  export const createBody = t.Object({
    name,
    currency: t.Optional(t.String({ pattern: '^[A-Z]{3}$', default: undefined, description: 'ISO 4217; MAD by default. A plan’s currency never changes.' })),
    monthlyPriceMinor: money('price of a month, minor units (above zero)'),
    yearlyPriceMinor: money('price of a year, minor units: at most twelve monthly prices (the discount is the difference)'),
    ...perks,
    position: t.Optional(t.Integer({ minimum: 0, maximum: 1_000, default: undefined })),
  })
  export type CreateBody = typeof createBody.static
  export const updateBody = t.Partial(
    t.Object({
      name,
      monthlyPriceMinor: money('price of a month, minor units'),
      yearlyPriceMinor: money('price of a year, minor units'),
      ...perks,
      position: t.Integer({ minimum: 0, maximum: 1_000 }),
      retired: t.Boolean({ description: 'true: no new subscribers (not the free plan); false: offered again' }),
    }),
  )
  export type UpdateBody = typeof updateBody.static
  export const planParams = t.Object({ id: idSchema('pln') })

  /** The terms of a period, as kept on the subscription. */
  export const terms = t.Object({
    name: t.String(),
    currency: t.String(),
    priceMinor: t.Integer({ description: 'what the period costs' }),
    maxActiveListings: nullable(t.Integer()),
    boostCreditsPerMonth: t.Integer(),
    featuredSlots: t.Integer(),
    commissionBp: nullable(t.Integer()),
    prioritySupport: t.Boolean(),
    badge: nullable(t.String()),
  })

  export const subscription = t.Object({
    interval,
    status: enumOf(['active', 'past_due'] as const, { description: 'past_due: the renewal failed; the perks stay until graceUntil while the wallet is tried again each hour' }),
    periodStart: t.Date(),
    periodEnd: t.Date(),
    cancelAtPeriodEnd: t.Boolean(),
    graceUntil: nullable(t.Date()),
    renewsAt: nullable(t.Date({ description: 'when the wallet is charged next (null: it ends instead)' })),
    endsAt: nullable(t.Date({ description: 'when the shop goes back to the free plan (cancelled, or moving to it)' })),
    next: nullable(
      t.Object(
        { planId: idSchema('pln'), name: t.String(), interval, priceMinor: t.Integer({ description: 'what the next period will cost at today’s price' }) },
        { description: 'the plan the next period is on, chosen by a downgrade or a change of interval' },
      ),
    ),
  })

  /** My shop's plan: what it gives now, how much of it is used, and the paid period if any. */
  export const state = t.Object({
    planId: idSchema('pln'),
    isFree: t.Boolean(),
    terms,
    effectiveCommissionBp: t.Integer(),
    subscription: nullable(subscription),
    usage: t.Object({
      activeListings: t.Integer(),
      boostCredits: t.Integer({ description: 'boost credits left this period' }),
    }),
    wallet: t.Object({ currency: t.String(), availableMinor: t.Integer({ description: 'what the wallet can pay now' }) }),
  })
  export type State = typeof state.static

  export const changeBody = t.Object({
    planId: idSchema('pln'),
    interval: t.Optional(enumOf(PLAN_INTERVALS, { description: 'month by default' })),
  })
  export type ChangeBody = typeof changeBody.static

  export const invoice = t.Object({
    id: idSchema('plc'),
    invoiceNumber: t.String(),
    kind: enumOf(CHARGE_KINDS),
    planName: t.String(),
    interval,
    priceMinor: t.Integer(),
    creditMinor: t.Integer({ description: 'the unused part of the previous plan, taken off an upgrade' }),
    amountMinor: t.Integer({ description: 'what the wallet paid' }),
    tvaRateBp: t.Integer({ description: 'the platform’s TVA rate when it was charged, in basis points (2000 = 20 %)' }),
    tvaMinor: t.Integer({ description: 'the TVA the amount includes' }),
    currency: t.String(),
    periodStart: t.Date(),
    periodEnd: t.Date(),
    createdAt: t.Date(),
  })
  export type Invoice = typeof invoice.static
  export const invoicePage = pageOf(invoice)
  export const invoiceQuery = t.Object(pageQuery)
  export const invoiceParams = t.Object({ id: idSchema('plc') })

  export const changed = t.Object({
    outcome: enumOf(['subscribed', 'upgraded', 'scheduled', 'resumed'] as const, {
      description: 'subscribed or upgraded: paid and in force now; scheduled: takes effect when the period ends; resumed: a cancellation or scheduled change was undone',
    }),
    invoice: nullable(invoice),
    state,
  })
  export type Changed = typeof changed.static
}
