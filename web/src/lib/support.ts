import type { SupportModel } from '../../../src/modules/support/model'
import type { TicketCategory, TicketPriority, TicketStatus } from '../../../src/modules/support/status'
import type { Tone } from '../components/feedback'
import { api, must } from './api'

/**
 * Support tickets: the calls and their labels. Shapes come from the server's SupportModel; a
 * visitor's calls carry the emailed link's token (`token`) in X-Ticket-Token, never in a URL the
 * server sees.
 */

export type Ticket = SupportModel.Ticket
export type TicketMessage = Ticket['messages'][number]
export type TicketSummary = (typeof SupportModel.summary)['static']
export type QueueItem = (typeof SupportModel.queueItem)['static']
type MyListQuery = (typeof SupportModel.myListQuery)['static']
type QueueQuery = SupportModel.QueueQuery

const v1 = () => api().api.v1
const withToken = (token: string | null) => (token === null ? undefined : { headers: { 'x-ticket-token': token } })

/** Opens a ticket: signed in, the ticket and its first message's id; a visitor (with `email`), the server's word that the link was mailed. */
export const openTicket = async (body: SupportModel.OpenBody) => must(await v1().tickets.post(body))
export const listMyTickets = async (query: MyListQuery) => must(await v1().tickets.get({ query }))
export const getTicket = async (id: string, token: string | null) => must(await v1().tickets({ id }).get(withToken(token)))
export const replyToTicket = async (id: string, body: string, token: string | null) => must(await v1().tickets({ id }).replies.post({ body }, withToken(token)))
/** Adds an image to one of my messages (until it is answered); the server says why one is refused. */
export const addTicketImage = async (id: string, messageId: string, file: File, token: string | null) =>
  must(await v1().tickets({ id }).messages({ messageId }).attachments.post({ file }, withToken(token)))
/** The headers an image of a visitor's ticket is fetched with. */
export const imageHeaders = (token: string | null) => withToken(token)?.headers

export const listTicketQueue = async (query: QueueQuery) => must(await v1().admin.tickets.get({ query }))
export const listAssignees = async () => must(await v1().admin.tickets.assignees.get()).items
/** Assigns (an admin's id) or unassigns (null) several tickets at once. */
export const assignTickets = async (ids: string[], assigneeId: string | null) => must(await v1().admin.tickets.update.post({ ids, assigneeId }))
export const updateTicket = async (id: string, body: SupportModel.PatchBody) => must(await v1().admin.tickets({ id }).patch(body))
export const addTicketNote = async (id: string, body: string) => must(await v1().admin.tickets({ id }).notes.post({ body }))
/** My own orders, newest first, for the "about an order" choice of a new ticket. */
export const listMyOrdersForTicket = async () => must(await v1().orders.get({ query: { limit: 50 } })).items

/**
 * Adds `files` one by one to the message just written, after it was sent: answers the last ticket
 * the server answered (null for no file); the first refusal stops the rest and is thrown.
 */
export async function addTicketImages(id: string, messageId: string, files: File[], token: string | null): Promise<Ticket | null> {
  let last: Ticket | null = null
  for (const file of files) last = await addTicketImage(id, messageId, file, token)
  return last
}

export const TICKET_CATEGORY_LABEL: Record<TicketCategory, string> = { order: 'Order', payment: 'Payment', account: 'Account', listing: 'Listing', other: 'Other' }
/** As the requester reads a status. */
export const TICKET_STATUS_LABEL: Record<TicketStatus, string> = { open: 'Open', pending: 'Waiting on you', solved: 'Solved', closed: 'Closed' }
/** As staff read it. */
export const QUEUE_STATUS_LABEL: Record<TicketStatus, string> = { open: 'Open', pending: 'Pending', solved: 'Solved', closed: 'Closed' }
export const TICKET_STATUS_TONE: Record<TicketStatus, Tone> = { open: 'primary', pending: 'warning', solved: 'success', closed: 'neutral' }
export const TICKET_PRIORITY_LABEL: Record<TicketPriority, string> = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' }
export const TICKET_PRIORITY_TONE: Record<TicketPriority, Tone> = { low: 'neutral', normal: 'primary', high: 'warning', urgent: 'danger' }

/** "3 min", "2 h 5 min", "4 d 3 h" for a time in seconds; "—" for none. */
export function durationText(seconds: number | null): string {
  if (seconds === null) return '—'
  const minutes = Math.max(0, Math.round(seconds / 60))
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
  const days = Math.floor(hours / 24)
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`
}
