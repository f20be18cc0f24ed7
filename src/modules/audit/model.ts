import { t } from 'elysia'
import { idSchema } from '../../lib/ids'
import { pageOf, pageQuery } from '../../lib/pagination'
import { enumOf } from '../../lib/schema'
import { AUDIT_ACTOR_KINDS, AUDIT_KINDS, AUDIT_SUBJECT_TYPES, SECURITY_EVENT_KINDS } from './kinds'

const nullableText = (description: string) => t.Union([t.String(), t.Null()], { description })
const summary = t.Record(t.String(), t.Union([t.String(), t.Number(), t.Boolean(), t.Null()]), { description: 'what changed, by name (never a secret)' })

export namespace AuditModel {
  const filters = {
    actorId: t.Optional(t.String({ minLength: 1, maxLength: 64, description: 'who acted: a user id (usr_…)' })),
    subjectId: t.Optional(t.String({ minLength: 1, maxLength: 128, description: 'what it is about: usr_…, ven_…, ord_…, a setting’s name' })),
    kind: t.Optional(enumOf(AUDIT_KINDS)),
    from: t.Optional(t.Date({ description: 'from this time (inclusive)' })),
    to: t.Optional(t.Date({ description: 'before this time' })),
  }
  export const searchQuery = t.Object({ ...filters, ...pageQuery })
  export type SearchQuery = typeof searchQuery.static
  export const exportBody = t.Object(filters)
  export type ExportBody = typeof exportBody.static

  export const entry = t.Object({
    id: idSchema('aud'),
    at: t.Date(),
    actorKind: enumOf(AUDIT_ACTOR_KINDS),
    actorId: nullableText('null when Souk itself acted (a job)'),
    actorName: nullableText('the actor’s display name now; null for the system'),
    kind: enumOf(AUDIT_KINDS),
    subjectType: enumOf(AUDIT_SUBJECT_TYPES),
    subjectId: t.String(),
    summary,
    requestId: nullableText('the request that took the step (its x-request-id); null for jobs'),
    ip: nullableText('the client’s address; null for jobs'),
  })
  export type Entry = typeof entry.static
  export const entryPage = pageOf(entry)

  export const securityEventsQuery = t.Object(pageQuery)
  export const securityEvent = t.Object({
    id: idSchema('aud'),
    kind: enumOf(SECURITY_EVENT_KINDS),
    at: t.Date(),
    ip: nullableText('where it came from; null when Souk itself acted'),
    bySystem: t.Boolean({ description: 'Souk acted (a session ended because its refresh token was used twice)' }),
    summary,
  })
  export type SecurityEvent = typeof securityEvent.static
  export const securityEventPage = pageOf(securityEvent)
}
