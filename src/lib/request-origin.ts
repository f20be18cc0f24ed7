// Who takes a sensitive step and from where: what the audit log records beside it. A route hands
// its service the request's origin (its id and the client's address) with the signed-in user; a
// job acts as the system, from nowhere.
import { Elysia } from 'elysia'
import { requestIdOf } from './http'
import { clientIpOf } from './rate-limit'

/** Where a request came from: its id (the `x-request-id` it answers with) and the client's address. */
export interface Origin {
  requestId: string | null
  ip: string | null
}

/** Who acts (a user's id, or null for the system) and from where. */
export interface Actor extends Origin {
  actorId: string | null
}

/** No request: a job, a schedule, a start-up step. */
export const NO_ORIGIN: Origin = { requestId: null, ip: null }

/** Souk itself (jobs, schedules): no user, no request. */
export const SYSTEM: Actor = { actorId: null, ...NO_ORIGIN }

/** The user acting through a request (or the system, for null) from `origin`. */
export const actorOf = (user: { id: string } | null, origin: Origin = NO_ORIGIN): Actor => ({ actorId: user?.id ?? null, requestId: origin.requestId, ip: origin.ip })

/**
 * Resolves `origin` on every route of the plugin that uses it. The address is read as the rate
 * limits read it (the last X-Forwarded-For entry behind a trusted proxy).
 */
export function originPlugin(config: { trustProxy: boolean }) {
  // Unnamed on purpose: each module mounts its own copy (a named plugin is mounted once per app).
  return new Elysia().derive({ as: 'scoped' }, ({ request, server }): { origin: Origin } => ({
    origin: { requestId: requestIdOf(request), ip: clientIpOf(request, server, config.trustProxy) },
  }))
}
