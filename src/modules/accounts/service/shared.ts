import type { Config } from '../../../config'
import type { Db, Tx } from '../../../db/client'
import type { Clock } from '../../../lib/clock'
import type { Logger } from '../../../lib/log'
import type { RateLimiter } from '../../../lib/rate-limit'
import type { Bus } from '../../../lib/bus'
import type { Mailer } from '../../mail'
import type { AfterCommit, NotifyInput } from '../../notifications'
import type { GoogleVerifier } from './google'

/** What the accounts services need, handed in by the plugin (or a test). */
export interface AccountsDeps {
  db: Db
  config: Pick<Config, 'secrets' | 'publicUrl'>
  clock: Clock
  bus: Bus
  mailer: Mailer
  limiter: RateLimiter
  log: Logger
  /** Null when Google sign-in is not configured. */
  google: GoogleVerifier | null
  /** The notifications service's `notify`, bound to its dependencies (the new-sign-in notice). */
  notify(tx: Tx, input: NotifyInput): Promise<AfterCommit | null>
}

/** A query surface: the database or an open transaction. */
export type Conn = Db | Tx

/** Where a request came from; stored on the session it opens. */
export interface ClientMeta {
  ip: string
  userAgent: string | null
}

export const MINUTE = 60_000
export const DAY = 24 * 60 * MINUTE

/** The least time between two codes or links sent to one address (or for one account). */
export const SEND_COOLDOWN_MS = 60_000

export const normalizeEmail = (email: string) => email.trim().toLowerCase()
