// The admins' queues, browser-safe (plain constants): the screens label each id, and a queue added
// here does not compile there until it has words.
export const QUEUE_IDS = [
  'shop_applications',
  'listing_approvals',
  'product_reports',
  'shop_reports',
  'message_reports',
  'review_reports',
  'disputes',
  'withdrawals',
  'support_tickets',
  'failed_jobs',
  'dead_letters',
] as const
export type QueueId = (typeof QUEUE_IDS)[number]

/** The screen each queue is worked from. */
export const QUEUE_PATHS: Record<QueueId, string> = {
  shop_applications: '/admin?tab=vendors',
  listing_approvals: '/admin?tab=listings',
  product_reports: '/admin?tab=reports&subject=product',
  shop_reports: '/admin?tab=reports&subject=shop',
  message_reports: '/admin?tab=message-reports',
  review_reports: '/admin?tab=review-reports',
  disputes: '/admin/disputes',
  withdrawals: '/admin/finance',
  support_tickets: '/admin/support',
  failed_jobs: '/admin/jobs',
  dead_letters: '/admin/jobs',
}
