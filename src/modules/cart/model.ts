import { t, type TSchema } from 'elysia'
import { idSchema } from '../../lib/ids'
import { enumOf } from '../../lib/schema'
import { CatalogModel } from '../catalog'
import { CART_PROBLEMS, MAX_CART_QUANTITY, MAX_MERGE_ITEMS, MERGE_OUTCOMES } from './rules'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])
const quantity = (description: string) => t.Integer({ minimum: 1, maximum: MAX_CART_QUANTITY, description })

export namespace CartModel {
  /** One product in my cart, with the product as it is now. */
  export const line = t.Object({
    productId: idSchema('prd'),
    quantity: quantity('how many I want'),
    priceSeenMinor: t.Integer({ description: 'the unit price when I last added it (minor units)' }),
    priceChanged: t.Boolean({ description: 'the price changed since: the checkout charges the current one' }),
    addedAt: t.Date(),
    product: t.Object({
      slug: t.String(),
      title: t.String(),
      priceMinor: t.Integer({ description: 'the current unit price, TVA included (minor units)' }),
      currency: t.String(),
      stock: t.Integer(),
      status: CatalogModel.status,
      imageUrl: nullable(t.String({ description: 'the primary photo, thumbnail size' })),
    }),
    shop: t.Object({ id: idSchema('ven'), slug: t.String(), name: t.String() }),
    buyable: t.Boolean({ description: 'it can be bought now as it is: for sale, enough in stock, not my own listing' }),
    problem: nullable(enumOf(CART_PROBLEMS, { description: 'why it cannot be bought now (null when buyable)' })),
  })
  export type Line = typeof line.static

  export const cart = t.Object({
    lines: t.Array(line, { description: 'oldest first' }),
    count: t.Integer({ minimum: 0, description: 'items in the cart (the sum of the quantities): the header badge' }),
  })
  export type Cart = typeof cart.static

  export const productParams = t.Object({ productId: idSchema('prd') })

  // Exactly one of the two; the service refuses both or neither.
  export const setBody = t.Object({
    quantity: t.Optional(quantity('the quantity to have (replaces what is there)')),
    add: t.Optional(quantity('how many to add to what is there')),
  })
  export type SetBody = typeof setBody.static

  export const mergeBody = t.Object({
    items: t.Array(t.Object({ productId: idSchema('prd'), quantity: quantity('as the guest cart had it') }), {
      maxItems: MAX_MERGE_ITEMS,
      description: 'the guest cart kept in the browser; lines of one product are added up',
    }),
  })
  export type MergeBody = typeof mergeBody.static

  export const merged = t.Object({
    cart,
    adjusted: t.Array(
      t.Object({
        productId: idSchema('prd'),
        requested: t.Integer({ description: 'what the guest cart asked to add' }),
        added: t.Integer({ minimum: 0, description: 'what was added (0: skipped)' }),
        reason: enumOf(MERGE_OUTCOMES, { description: 'capped: stock (or the most a line holds) allowed less' }),
      }),
      { description: 'the guest lines not merged whole, and why' },
    ),
  })
  export type Merged = typeof merged.static
}
