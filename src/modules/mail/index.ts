import { Elysia, NotFoundError } from 'elysia'
import type { Server } from 'bun'
import type { Db } from '../../db/client'
import { MailModel } from './model'
import { listStoredMail, type Mailer } from './service'

export { createMailer, type Mailer, type MailMessage } from './service'

/** The development mailbox's JSON and its page (rendered by the web client), normalised. */
const MAILBOX_PATHS = new Set(['/api/v1/dev/mail', '/dev/mail'])

function isLoopback(address: string): boolean {
  return address === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(address)
}

/** A path as a router may read it: decoded, without repeated or trailing slashes, any case. */
function normalisedPath(url: string): string {
  const path = new URL(url).pathname
  let decoded = path
  try {
    decoded = decodeURIComponent(path)
  } catch {
    // Not valid percent-encoding: no route decodes it either.
  }
  return decoded.replace(/\/{2,}/g, '/').replace(/(.)\/+$/, '$1').toLowerCase()
}

/**
 * Whether a request came from this machine: the socket's peer is loopback. Headers do not count
 * (X-Forwarded-For is whatever the client or a proxy wrote), so a proxy on this machine would make
 * every request local: the mailbox is for a development machine, not one behind a public proxy.
 * A request without a peer was handed to the app in process (`app.handle`: tests, the page
 * renderer's API calls), not received over the network.
 */
function isFromThisMachine(request: Request, server: Server<unknown> | null): boolean {
  const peer = server?.requestIP(request)?.address
  return peer === undefined || isLoopback(peer)
}

/**
 * The development mailbox as JSON, so tools and tests can finish a sign-up without SMTP.
 * createApp mounts it only outside production. It holds sign-up codes and reset links, so it and
 * its page answer only this machine: anyone else gets the 404 of a path that does not exist.
 */
export function devMailRoutes(deps: { db: Db; mailer: Mailer }) {
  return new Elysia({ name: 'dev-mail', prefix: '/api/v1/dev', detail: { tags: ['Development'] } })
    // onRequest runs for every request of the app, before routing: the page's path included.
    .onRequest(({ request, server }) => {
      if (MAILBOX_PATHS.has(normalisedPath(request.url)) && !isFromThisMachine(request, server)) throw new NotFoundError()
    })
    .get(
      '/mail',
      async ({ query }) => {
        // Auth flows dispatch mail without waiting; settle first so a reader sees what was sent.
        await deps.mailer.settled()
        return { items: await listStoredMail(deps.db, query.to, query.limit ?? 20) }
      },
      {
        query: MailModel.mailboxQuery,
        response: { 200: MailModel.mailbox },
        detail: { summary: 'Mail captured for one address, newest first (not mounted in production; answers this machine only)' },
      },
    )
}
