import type { Db } from '../../db/client'
import type { Queue } from '../../jobs/queue'
import type { QueueCount } from '../../lib/admin-queues'
import type { Clock } from '../../lib/clock'
import { listingApprovalsQueue, reportQueues } from '../catalog'
import { messageReportsQueue } from '../chat'
import { disputesQueue } from '../disputes'
import { deadLettersQueue, failedJobsQueue } from '../jobs'
import { withdrawalsQueue } from '../payments'
import { reviewReportsQueue } from '../reviews'
import { supportTicketsQueue } from '../support'
import { shopApplicationsQueue } from '../vendors'
import type { AdminQueuesModel } from './model'
import { QUEUE_IDS, QUEUE_PATHS, type QueueId } from './queues'

export interface AdminQueuesDeps {
  db: Db
  clock: Clock
  queue: Queue | null
}

/**
 * Every queue's count and oldest item, each read by the module that owns it (one indexed read
 * each, run together), in QUEUE_IDS' order.
 */
export async function readQueues(deps: AdminQueuesDeps): Promise<AdminQueuesModel.Queues> {
  const [applications, listings, reports, messages, reviews, disputes, withdrawals, tickets, failed, dead] = await Promise.all([
    shopApplicationsQueue(deps.db),
    listingApprovalsQueue(deps.db),
    reportQueues(deps.db),
    messageReportsQueue(deps.db),
    reviewReportsQueue(deps.db),
    disputesQueue(deps.db),
    withdrawalsQueue(deps.db),
    supportTicketsQueue(deps.db),
    failedJobsQueue(deps.db),
    deadLettersQueue(deps.queue),
  ])
  const now = deps.clock.now()
  const counts: Record<QueueId, (QueueCount & { urgent?: number }) | null> = {
    shop_applications: applications,
    listing_approvals: listings,
    product_reports: reports.products,
    shop_reports: reports.shops,
    message_reports: messages,
    review_reports: reviews,
    disputes: { ...disputes, urgent: disputes.waitingOnAdmin },
    withdrawals,
    support_tickets: { ...tickets, urgent: tickets.unassigned },
    failed_jobs: failed,
    dead_letters: dead === null ? null : { waiting: dead.waiting, oldestAt: null },
  }
  const items = QUEUE_IDS.flatMap((id) => {
    const count = counts[id]
    if (count === null) return []
    return [
      {
        id,
        waiting: count.waiting,
        oldestAt: count.oldestAt,
        oldestAgeSeconds: count.oldestAt === null ? null : Math.max(0, Math.floor((now.getTime() - count.oldestAt.getTime()) / 1000)),
        urgent: count.urgent ?? null,
        path: QUEUE_PATHS[id],
      },
    ]
  })
  return { items, at: now }
}
