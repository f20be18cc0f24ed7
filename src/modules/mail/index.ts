import { Elysia } from 'elysia'
import type { Db } from '../../db/client'
import { MailModel } from './model'
import { listStoredMail, type Mailer } from './service'

/**
 * The development mailbox as JSON, so tools and tests can finish a sign-up without SMTP.
 * createApp mounts it only outside production.
 */
export function devMailRoutes(deps: { db: Db; mailer: Mailer }) {
  return new Elysia({ name: 'dev-mail', prefix: '/api/v1/dev', detail: { tags: ['Development'] } }).get(
    '/mail',
    async ({ query }) => {
      // Auth flows dispatch mail without waiting; settle first so a reader sees what was sent.
      await deps.mailer.settled()
      return { items: await listStoredMail(deps.db, query.to, query.limit ?? 20) }
    },
    {
      query: MailModel.mailboxQuery,
      response: { 200: MailModel.mailbox },
      detail: { summary: 'Mail captured for one address, newest first (not mounted in production)' },
    },
  )
}
