import type { Config } from '../../../config'
import type { Db, Tx } from '../../../db/client'
import type { Clock } from '../../../lib/clock'
import type { Logger } from '../../../lib/log'
import type { RateLimiter } from '../../../lib/rate-limit'
import type { Actor, Origin } from '../../../lib/request-origin'
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
  /**
   * Records a step on an account in the audit log, in the caller's transaction (so a step that
   * fails records nothing). Bound by the composition root to the audit module, whose routes need
   * this module's auth and so cannot be imported from here.
   */
  audit: AccountAudit
}

/** The accounts' port to the audit log: one entry about `userId`'s account. */
export type AccountAudit = (
  tx: Tx,
  entry: {
    by: Actor
    kind: 'auth.sign_in' | 'auth.sign_out' | 'account.password_changed' | 'account.email_changed' | 'account.deleted' | 'account.role_changed' | 'account.google_linked'
    userId: string
    /** What changed, by name; never a password, token or code. */
    summary: Record<string, string | number | boolean | null>
    at: Date
  },
) => Promise<void>

/** A notice about a user's own account: a system notification with a link. */
export interface AccountNotice {
  userId: string
  text: string
  link: string
}

/** A query surface: the database or an open transaction. */
export type Conn = Db | Tx

/** Where a request came from; stored on the session it opens, and on the audit log's entry. */
export interface ClientMeta extends Origin {
  ip: string
  userAgent: string | null
}

export const MINUTE = 60_000
export const DAY = 24 * 60 * MINUTE

/** The least time between two codes or links sent to one address (or for one account). */
export const SEND_COOLDOWN_MS = 60_000

export const normalizeEmail = (email: string) => email.trim().toLowerCase()

/** `jane@example.com` → `j***@example.com`: recognisable in a log without being the address. */
export const maskEmail = (email: string | null): string | null => (email === null ? null : email.replace(/^(.)[^@]*@/, '$1***@'))
