import type { Db } from '../../db/client'
import type { Clock } from '../../lib/clock'
import type { Logger } from '../../lib/log'
import type { CurrentUser } from '../../modules/accounts'
import type { ChatDeps } from '../../modules/chat'
import type { Connection } from '../connection'
import type { Hub } from '../hub'
import type { Presence } from '../presence'
import type { ClientMessage, ClientMessageType } from '../protocol'

/** Services of modules that handlers call; the composition root builds them and hands them to createRealtime. */
export interface SocketServices {
  chat: ChatDeps
}

/** What message handlers work with; built once by the gateway. */
export interface HandlerContext {
  db: Db
  clock: Clock
  log: Logger
  hub: Hub
  presence: Presence
  /** The user and token expiry behind an access token, or null (invalid, expired, session ended). */
  authenticate(accessToken: string): Promise<{ user: CurrentUser; expiresAtMs: number } | null>
  /** Re-files a socket under its (possibly new) session after an `auth` message. */
  moveSession(conn: Connection, user: CurrentUser): void
  /** Checks each topic the socket follows against its user's (changed) role; stops those refused. */
  recheckTopics(conn: Connection): Promise<void>
  /** The module services handlers call. */
  services: SocketServices
}

export type MessageOf<T extends ClientMessageType> = Extract<ClientMessage, { type: T }>

export type Handler<T extends ClientMessageType> = (ctx: HandlerContext, conn: Connection, message: MessageOf<T>) => Promise<void>
