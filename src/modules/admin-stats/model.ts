import { t } from 'elysia'

/** The figures of the dashboard, in the order the page shows them. Browser-safe list. */
export const FIGURES = ['gmv', 'orders', 'aov', 'revenue', 'refunds', 'newUsers', 'activeUsers', 'weeklyActiveUsers', 'newListings', 'messages', 'visitors', 'conversion'] as const
export type Figure = (typeof FIGURES)[number]

export const GRANULARITIES = ['day', 'week', 'month'] as const
export type Granularity = (typeof GRANULARITIES)[number]

const day = (description: string) => t.String({ format: 'date', description })
/** A day in an answer: its start, midnight UTC (the typed client reads ISO dates as Dates). */
const dayAt = (description: string) => t.Date({ description: `${description} (its start, midnight UTC)` })

export namespace AdminStatsModel {
  export const query = t.Object({
    from: day('first day of the range, YYYY-MM-DD (UTC)'),
    to: day('last day of the range, included; today at the latest'),
    granularity: t.Optional(t.UnionEnum(GRANULARITIES, { default: 'day', description: 'the width of each point of the charts' })),
    currency: t.Optional(t.String({ pattern: '^[A-Z]{3}$', description: 'the currency of the money figures; the first configured one by default' })),
  })
  export type Query = typeof query.static

  const values = t.Object(Object.fromEntries(FIGURES.map((f) => [f, t.Number()])) as Record<Figure, ReturnType<typeof t.Number>>)

  export const stats = t.Object({
    from: dayAt('first day'),
    to: dayAt('last day'),
    previousFrom: dayAt('first day of the previous range of the same length'),
    previousTo: dayAt('its last day'),
    currency: t.String({ description: 'the currency of gmv, aov, revenue and refunds (minor units)' }),
    currencies: t.Array(t.String(), { description: 'the currencies Souk trades in' }),
    current: values,
    previous: values,
    series: t.Array(t.Object({ start: dayAt('first day of the point'), values }), { description: 'one point per granularity step, oldest first' }),
    topShops: t.Array(t.Object({ id: t.String(), name: t.String(), slug: t.String(), gmvMinor: t.Integer() }), { description: 'the five shops with the most sales in the range' }),
    topCategories: t.Array(t.Object({ id: t.String(), name: t.String(), salesMinor: t.Integer() }), { description: 'the five categories whose items sold most in the range' }),
    live: t.Boolean({ description: 'whether today is in the range (its figures are counted as the page asks; the other days come from the nightly roll-up)' }),
    at: t.Date({ description: 'when the figures were read' }),
  })
  export type Stats = typeof stats.static

  export const live = t.Object({
    minutes: t.Integer({ description: 'the window counted, ending now' }),
    orders: t.Integer({ minimum: 0, description: 'orders placed (paid or cash on delivery) in the window' }),
    signUps: t.Integer({ minimum: 0 }),
    messages: t.Integer({ minimum: 0 }),
    at: t.Date(),
  })
  export type Live = typeof live.static
}
