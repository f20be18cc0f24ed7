import type { AdminQueuesModel } from '../../../src/modules/admin-queues/model'
import type { QueueId } from '../../../src/modules/admin-queues/queues'
import { api, must } from './api'

/** The admins' queues (browser-only: it needs the signed-in admin's token); shapes from AdminQueuesModel. */
export type AdminQueue = AdminQueuesModel.Queue

export const getAdminQueues = async () => must(await api().api.v1.admin.queues.get())

// Keyed by the server's list: a queue added there does not compile here until it has words.
export const QUEUE_LABEL: Record<QueueId, string> = {
  shop_applications: 'Shop applications',
  listing_approvals: 'Listings to review',
  product_reports: 'Reported products',
  shop_reports: 'Reported shops',
  message_reports: 'Reported messages',
  review_reports: 'Reported reviews',
  disputes: 'Disputes',
  withdrawals: 'Withdrawals',
  support_tickets: 'Support tickets',
  failed_jobs: 'Failed jobs',
  dead_letters: 'Dead letters',
}

/** What `urgent` counts, for the queues that have it. */
export const URGENT_LABEL: Partial<Record<QueueId, string>> = {
  disputes: 'waiting on an admin',
  support_tickets: 'unassigned',
}
