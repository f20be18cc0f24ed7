import { t, type TSchema } from 'elysia'
import { idSchema } from '../../lib/ids'
import { pageOf, pageQuery } from '../../lib/pagination'
import { enumOf } from '../../lib/schema'
import { RETURN_ACTIONS, RETURN_REASONS, RETURN_STATUSES } from './status'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])
const text = (max: number) => t.String({ minLength: 3, maxLength: max })

export namespace ReturnsModel {
  export const reason = enumOf(RETURN_REASONS)
  export const status = enumOf(RETURN_STATUSES)
  export const requestBody = t.Object({
    items: t.Array(t.Object({ position: t.Integer({ minimum: 0, description: 'the order item’s position' }), quantity: t.Integer({ minimum: 1, maximum: 999 }) }), {
      minItems: 1,
      maxItems: 100,
      description: 'which items of the order come back, and how many of each',
    }),
    reason,
    description: text(2_000),
  })
  export type RequestBody = typeof requestBody.static
  export const photoBody = t.Object({ file: t.File({ description: 'a JPEG, PNG, WebP or GIF image of at most 5 MB and 40 megapixels, recognised by its content' }) })
  export const approveBody = t.Object({ instructions: text(2_000) })
  export const rejectBody = t.Object({ reason: text(2_000) })
  export const sentBody = t.Object({ note: t.Optional(t.String({ maxLength: 300, description: 'how it was sent back (carrier, tracking number)' })) })
  export const escalateBody = t.Object({ description: text(2_000) })
  export const policyBody = t.Object({
    windowDays: t.Integer({ minimum: 0, maximum: 90, description: 'days after delivery a buyer may ask for a return; 0 takes no returns' }),
    refundsShipping: t.Boolean({ description: 'the delivery fee is refunded when the last items of an order come back, whatever the reason (always for a defective, wrong or not-as-described item)' }),
  })
  export const policy = policyBody
  export type Policy = typeof policy.static

  export const item = t.Object({
    position: t.Integer(),
    title: t.String(),
    imageUrl: nullable(t.String()),
    quantity: t.Integer(),
    unitPriceMinor: t.Integer(),
    lineMinor: t.Integer(),
  })
  export const photo = t.Object({ position: t.Integer(), url: t.String({ description: 'fetch it with the access token (the buyer, the shop, admins)' }), width: t.Integer(), height: t.Integer() })
  export const ret = t.Object({
    id: idSchema('ret'),
    orderId: idSchema('ord'),
    invoiceNumber: t.String(),
    status,
    reason,
    description: t.String(),
    buyer: t.String({ description: 'the buyer’s display name' }),
    shop: t.String({ description: 'the shop’s name' }),
    items: t.Array(item),
    itemsMinor: t.Integer({ description: 'unit price paid × quantity, over the items' }),
    shippingMinor: t.Integer({ description: 'the delivery fee refunded with them (the last items of the order, per the shop’s policy)' }),
    refundMinor: t.Integer({ description: 'what the buyer gets back once the shop has the items: items + shipping' }),
    currency: t.String(),
    refundTo: enumOf(['wallet', 'card'] as const, { description: 'where the refund goes: the card paid with, or the wallet (wallet and cash on delivery)' }),
    instructions: nullable(t.String({ description: 'the shop’s return instructions, once approved' })),
    rejectReason: nullable(t.String()),
    sentNote: nullable(t.String()),
    photos: t.Array(photo),
    disputeId: nullable(idSchema('dsp')),
    createdAt: t.Date(),
    decidedAt: nullable(t.Date()),
    sentAt: nullable(t.Date()),
    receivedAt: nullable(t.Date()),
    actions: t.Array(enumOf(RETURN_ACTIONS), { description: 'what the caller may do now' }),
  })
  export type Return = typeof ret.static
  export const returnable = t.Object({ position: t.Integer(), title: t.String(), imageUrl: nullable(t.String()), unitPriceMinor: t.Integer(), quantity: t.Integer({ description: 'how many may still come back' }) })
  export const orderReturns = t.Object({
    returns: t.Array(ret, { description: 'newest first' }),
    canRequest: t.Boolean({ description: 'the buyer may ask for a return now' }),
    windowEndsAt: nullable(t.Date({ description: 'the last moment to ask (null before delivery, or when the shop takes no returns)' })),
    returnable: t.Array(returnable),
  })
  export const list = pageOf(ret)
  export const listQuery = t.Object({ status: t.Optional(status), ...pageQuery })
  export const orderParams = t.Object({ id: idSchema('ord') })
  export const returnParams = t.Object({ id: idSchema('ret') })
  export const photoParams = t.Object({ id: idSchema('ret'), position: t.Integer({ minimum: 0, maximum: 4 }) })
}
