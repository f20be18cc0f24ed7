import { t } from 'elysia'
import { idSchema } from '../../lib/ids'

export namespace MailModel {
  export const mailboxQuery = t.Object({
    to: t.String({ format: 'email', maxLength: 254, description: 'the recipient whose mail to show' }),
    limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  })

  export const storedMail = t.Object({
    id: idSchema('mail'),
    to: t.String(),
    subject: t.String(),
    text: t.String(),
    headers: t.Union([t.Record(t.String(), t.String()), t.Null()], { description: 'extra headers (List-Unsubscribe), null when none' }),
    createdAt: t.Date(),
  })
  export type StoredMail = typeof storedMail.static

  export const mailbox = t.Object({ items: t.Array(storedMail) })
}
