import type { Config } from '../../../config'
import type { Db, Tx } from '../../../db/client'
import type { Clock } from '../../../lib/clock'
import type { Logger } from '../../../lib/log'
import type { RateLimiter } from '../../../lib/rate-limit'
import type { Bus } from '../../../lib/bus'
import type { Mailer } from '../../mail'
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
  /**
   * Tells a user something about their account (the new-sign-in notice), written in the caller's
   * transaction; answers what to run once it committed, or null. The composition root binds it to
   * the notifications module, which depends on accounts and so cannot be imported from here.
   */
  notify(tx: Tx, notice: AccountNotice): Promise<(() => Promise<void>) | null>
}

/** A notice about a user's own account: a system notification with a link. */
export interface AccountNotice {
  userId: string
  text: string
  link: string
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
