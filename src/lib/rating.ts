import { t } from 'elysia'

/** A product's or shop's rating as lists and pages show it: the average of visible reviews (one decimal) and their count. */
export const ratingSchema = t.Object({
  average: t.Union([t.Number({ minimum: 1, maximum: 5 }), t.Null()], { description: 'the mean rating, to one decimal; null without reviews' }),
  count: t.Integer({ minimum: 0, description: 'visible reviews' }),
})
export type Rating = typeof ratingSchema.static

/** The rating shown for `count` reviews whose ratings sum to `sum` (both kept exact on the row). */
export const ratingOf = (count: number, sum: number): Rating => ({ average: count === 0 ? null : Math.round((sum * 10) / count) / 10, count })
