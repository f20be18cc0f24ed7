import type { ChatMessage } from '../../../src/modules/chat/item'
import type { DisputesModel } from '../../../src/modules/disputes/model'
import { api, listConversations, must } from './api'

/**
 * Evidence of a dispute: words with chat messages quoted for the operator, photos, and the
 * conversation of the order's buyer with its shop those messages are chosen from (browser-only
 * calls: they need the signed-in user's token). Shapes come from the server's DisputesModel.
 */

export type QuotedMessage = (typeof DisputesModel.quotedMessage)['static']

// Keyed by the server's type: a side added there does not compile here until it has a word.
export const QUOTED_FROM_LABEL: Record<QuotedMessage['from'], string> = { buyer: 'Buyer', seller: 'Shop' }

const v1 = () => api().api.v1

/**
 * Adds to an open dispute (the buyer, the shop — its first word is its response, though the form
 * sends that through respondToDispute — or an admin),
 * quoting `messageIds` of the buyer's conversations with the shop: the server refuses any other,
 * naming `messageIds.N`.
 */
export const addEvidence = async (id: string, body: DisputesModel.EvidenceBody) => must(await v1().disputes({ id }).evidence.post(body))
/** The shop's response to an open dispute (once; the same body as evidence). */
export const respondToDispute = async (id: string, body: DisputesModel.EvidenceBody) => must(await v1().disputes({ id }).respond.post(body))
/** The buyer asks Souk to decide, once the shop let its deadline pass without a word (`actions` says when). */
export const requestDecision = async (id: string) => must(await v1().disputes({ id })['decision-request'].post())

/** The rest of a case for its admin: the order's ledger transfers and every buyer–shop message. */
export type DisputeCaseRecords = (typeof DisputesModel.adminCase)['static']
export const getDisputeCaseRecords = async (id: string): Promise<DisputeCaseRecords> => must(await v1().admin.disputes({ id }).case.get())

/** Adds a photo to an open dispute, with `caption` (the server writes "A photo" without one); it says why one is refused (size, kind). */
export const addEvidencePhoto = async (id: string, file: File, caption: string) =>
  must(await v1().disputes({ id }).evidence.photo.post(caption === '' ? { file } : { file, caption }))

/**
 * The conversation of an order's buyer with its shop about `productId`, read by either of them;
 * null when they never wrote. A shop has one per buyer of the product: its pages are read until
 * the buyer's.
 */
export async function findOrderConversation(productId: string, buyerId: string) {
  let cursor: string | undefined
  do {
    const page = await listConversations({ productId, limit: 100, ...(cursor === undefined ? {} : { cursor }) })
    const found = page.items.find((conversation) => conversation.buyerId === buyerId)
    if (found !== undefined) return found
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
  return null
}

/** What may be quoted: words either side wrote and did not delete (not photos, nor the steps the thread notes). */
export const quotable = (message: ChatMessage) => message.kind === 'text' && !message.deleted
