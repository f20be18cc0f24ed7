// The admins' queues in one place (issue #20): how many items wait in each queue and since when the
// oldest, each counted by the module that owns the queue (its index's `…Queue`), for the admin
// console's sidebar. Screens follow `admin:queues` (admins only), on which modules announce an item
// entering or leaving a queue (`announceQueuesChanged`, src/lib/admin-queues.ts), and read again.
import { Elysia } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { ErrorResponse } from '../../lib/errors'
import { authPlugin, type CurrentUser } from '../accounts'
import { AdminQueuesModel as M } from './model'
import { readQueues } from './service'

export { ADMIN_QUEUE_EVENTS } from './events'
export { AdminQueuesModel } from './model'

/** The access rule of the `admin:` topic family: `admin:queues` and the dashboard's `admin:stats`, admins only. */
export const adminQueueTopicRules = () => ({ admin: async (viewer: Pick<CurrentUser, 'role'>, id: string) => viewer.role === 'admin' && (id === 'queues' || id === 'stats') })

export function adminQueuesRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'queue'>) {
  const deps = { db: ctx.database.db, clock: ctx.clock, queue: ctx.queue }
  return new Elysia({ name: 'admin-queues', prefix: '/api/v1/admin/queues' })
    .use(authPlugin(ctx))
    .guard({ auth: 'admin', detail: { tags: ['Admin'] } }, (admin) =>
      admin.get('', () => readQueues(deps), {
        response: { 200: M.queues, 401: ErrorResponse, 403: ErrorResponse },
        detail: {
          summary: 'Every admin queue: how many wait, the oldest item’s age, and the screen it is worked from',
          description: 'Live: follow the `admin:queues` topic; its `queues.changed` event says to read this again.',
        },
      }),
    )
}
