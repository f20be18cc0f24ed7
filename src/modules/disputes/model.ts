import { minAgeHours } from '../../lib/admin-queues'
import { t, type TSchema } from 'elysia'
import { idSchema } from '../../lib/ids'
import { ChatModel } from '../chat'
import { LedgerModel } from '../ledger'
import { pageOf, pageQuery } from '../../lib/pagination'
import { enumOf } from '../../lib/schema'
import { DISPUTE_OUTCOMES, DISPUTE_PARTIES, DISPUTE_REASONS, DISPUTE_STATUSES, DISPUTE_WAITING_ON } from './status'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])
const text = (max: number) => t.String({ minLength: 3, maxLength: max })

export namespace DisputesModel {
  export const openBody = t.Object({ reason: enumOf(DISPUTE_REASONS), description: text(2_000) })
  export type OpenBody = typeof openBody.static
  export const evidenceBody = t.Object({
    text: text(2_000),
    messageIds: t.Optional(
      t.Array(t.String({ pattern: '^msg_[0-9a-f]{32}$' }), { maxItems: 10, uniqueItems: true, description: 'messages of the buyer’s conversations with the shop to quote, for the operator to read' }),
    ),
  })
  export type EvidenceBody = typeof evidenceBody.static
  export const photoEvidenceBody = t.Object({
    file: t.File({ description: 'a JPEG, PNG, WebP or GIF image of at most 5 MB and 40 megapixels, recognised by its content' }),
    caption: t.Optional(t.String({ maxLength: 2_000 })),
  })
  export const quotedMessage = t.Object({ id: t.String(), from: t.UnionEnum(['buyer', 'seller'] as const), text: nullable(t.String({ description: 'null once its author deleted it' })), at: t.Date() })
  export const resolveBody = t.Object({
    outcome: enumOf(DISPUTE_OUTCOMES),
    toShopMinor: t.Optional(t.Integer({ minimum: 0, description: 'with `split`: what the shop gets, in minor units; the rest is refunded' })),
    decision: text(2_000),
  })
  export type ResolveBody = typeof resolveBody.static
  export const evidence = t.Object({
    seq: t.Integer(),
    party: enumOf(DISPUTE_PARTIES),
    author: nullable(t.String()),
    text: t.String(),
    photo: nullable(t.Object({ url: t.String({ description: 'fetch it with the access token (the buyer, the shop, admins)' }), width: t.Integer(), height: t.Integer() })),
    messages: t.Array(quotedMessage, { description: 'the chat messages it quotes' }),
    at: t.Date(),
  })
  export const dispute = t.Object({
    id: idSchema('dsp'),
    orderId: idSchema('ord'),
    invoiceNumber: t.String(),
    reason: enumOf(DISPUTE_REASONS),
    status: enumOf(DISPUTE_STATUSES),
    amountMinor: t.Integer({ description: 'the payment held when it was opened' }),
    currency: t.String(),
    waitingOn: nullable(enumOf(DISPUTE_WAITING_ON, { description: 'null once resolved' })),
    respondBy: t.Date({ description: 'the shop answers by then' }),
    shopRespondedAt: nullable(t.Date()),
    decisionRequestedAt: nullable(t.Date({ description: 'when the buyer asked for a decision (the shop let its deadline pass without a word)' })),
    outcome: nullable(enumOf(DISPUTE_OUTCOMES)),
    toShopMinor: nullable(t.Integer()),
    toBuyerMinor: nullable(t.Integer()),
    decision: nullable(t.String()),
    evidence: t.Array(evidence),
    createdAt: t.Date(),
    resolvedAt: nullable(t.Date()),
    /** What the caller may do now. */
    actions: t.Array(t.UnionEnum(['add_evidence', 'respond', 'request_decision', 'resolve'])),
  })
  export type Dispute = typeof dispute.static
  export const orderDispute = t.Object({ dispute: nullable(dispute), canOpen: t.Boolean({ description: 'the buyer may open one now (paid, held, none open)' }) })
  export const queue = pageOf(dispute)
  export const queueQuery = t.Object({
    status: t.Optional(enumOf(DISPUTE_STATUSES)),
    waitingOn: t.Optional(enumOf(DISPUTE_WAITING_ON, { description: 'open disputes waiting on this side only (none once resolved)' })),
    minAgeHours,
    ...pageQuery,
  })
  export type QueueQuery = typeof queueQuery.static
  /** The rest of a case for its admin: the order's ledger transfers and what its buyer and shop wrote to each other. */
  export const adminCase = t.Object({
    ledger: t.Array(LedgerModel.transfer, { description: 'the transfers of the order (`order:<id>`), newest first, at most 100' }),
    conversation: t.Array(ChatModel.message, { description: 'every message between the buyer and the shop (all their conversations), oldest first, the latest 300; photos are not served to admins (`image` says there was one)' }),
  })
  export const orderParams = t.Object({ id: idSchema('ord') })
  export const disputeParams = t.Object({ id: idSchema('dsp') })
  export const evidencePhotoParams = t.Object({ id: idSchema('dsp'), seq: t.Integer({ minimum: 1 }) })
}
