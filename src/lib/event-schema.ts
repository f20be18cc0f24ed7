// How a module declares the kinds of event its topics carry (in its `events.ts`). The web client
// bundles those declarations through src/realtime/protocol.ts, so this file holds schemas only:
// `t` from 'elysia/type-system' and no server-only import.
//
// A topic is `<family>:<id>`, e.g. `user:usr_…`, `conversation:cnv_…`. `durable(family, kind,
// data)` declares an event kept in the event log (replayed on reconnect, ordered by a per-topic
// id); `ephemeral(...)` one that only matters now (id null, never replayed).
import type { Static, TSchema } from '@sinclair/typebox'
import { t } from 'elysia/type-system'

const topicOf = <F extends string>(family: F) => t.TemplateLiteral([t.Literal(family), t.Literal(':'), t.String()])

export const durable = <F extends string, K extends string, D extends TSchema>(family: F, kind: K, data: D) =>
  t.Object({
    type: t.Literal('event'),
    topic: topicOf(family),
    id: t.Integer({ minimum: 1, description: 'orders the event within its topic; resume with `since`' }),
    kind: t.Literal(kind),
    data,
  })

export const ephemeral = <F extends string, K extends string, D extends TSchema>(family: F, kind: K, data: D) =>
  t.Object({ type: t.Literal('event'), topic: topicOf(family), id: t.Null({ description: 'not kept: never replayed' }), kind: t.Literal(kind), data })

type EventSchema = ReturnType<typeof durable> | ReturnType<typeof ephemeral>

/** The topic family of an event declared with durable() or ephemeral() (its topic pattern is `^family:(.*)$`). */
export function familyOf(event: EventSchema): string {
  const family = /^\^([a-z]+):/.exec(event.properties.topic.pattern ?? '')?.[1]
  if (family === undefined) throw new Error('not an event declared with durable() or ephemeral()')
  return family
}

/** The events a list of declarations describes (a module's `…_EVENTS`). */
export type EventsOf<L extends readonly TSchema[]> = Static<L[number]>

/** A durable event before the log gives it an id: what a module appends. */
export type NewEventOf<E> = E extends { id: number } ? Omit<E, 'type' | 'id'> : never
