import { t, type TSchema } from 'elysia'
import { QUEUE_IDS } from './queues'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])

export namespace AdminQueuesModel {
  export const queue = t.Object({
    id: t.UnionEnum(QUEUE_IDS),
    waiting: t.Integer({ minimum: 0, description: 'items waiting for an admin' }),
    oldestAt: nullable(t.Date({ description: 'since when the oldest waiting item waits; null when none waits or its age is not known (dead letters)' })),
    oldestAgeSeconds: nullable(t.Integer({ minimum: 0, description: 'the age of the oldest waiting item, by the server’s clock' })),
    urgent: nullable(
      t.Integer({
        minimum: 0,
        description: 'of those waiting, how many need an admin first: disputes waiting on an admin, tickets nobody is assigned to; null for the other queues',
      }),
    ),
    path: t.String({ description: 'the screen the queue is worked from' }),
  })
  export type Queue = typeof queue.static

  export const queues = t.Object({
    items: t.Array(queue, { description: 'every queue, in a fixed order; dead letters are missing where this server runs no job queue' }),
    at: t.Date({ description: 'when the counts were read' }),
  })
  export type Queues = typeof queues.static
}
