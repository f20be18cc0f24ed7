import { desc, eq } from 'drizzle-orm'
import { createTransport } from 'nodemailer'
import type { Db } from '../../db/client'
import type { Clock } from '../../lib/clock'
import { newId } from '../../lib/ids'
import type { Logger } from '../../lib/log'
import type { MailModel } from './model'
import { mailMessages } from './table'

export interface MailMessage {
  to: string
  subject: string
  text: string
}

export interface Mailer {
  readonly kind: 'smtp' | 'stored'
  /** Delivers (SMTP) or stores (development mailbox) one message; rejects when that fails. */
  send(message: MailMessage): Promise<void>
  /**
   * Sends without making the caller wait, logging a failure. Auth flows use it so that an
   * answer takes the same time whether or not a message went out (no account enumeration).
   */
  dispatch(message: MailMessage): void
  /** Resolves once every dispatched message has been sent or has failed. */
  settled(): Promise<void>
}

export interface MailerDeps {
  db: Db
  clock: Clock
  log: Logger
  smtpUrl: string | null
  from: string
}

/** SMTP when a URL is configured, otherwise the database-backed development mailbox. */
export function createMailer({ db, clock, log, smtpUrl, from }: MailerDeps): Mailer {
  const transport = smtpUrl === null ? null : createTransport(smtpUrl)
  const send = async (message: MailMessage) => {
    const to = message.to.toLowerCase()
    if (transport !== null) {
      await transport.sendMail({ from, to, subject: message.subject, text: message.text })
      return
    }
    await db.insert(mailMessages).values({ id: newId('mail'), to, subject: message.subject, text: message.text, createdAt: clock.now() })
  }
  const inFlight = new Set<Promise<void>>()
  return {
    kind: transport === null ? 'stored' : 'smtp',
    send,
    dispatch: (message) => {
      const sending = send(message)
        .catch((error: unknown) => log.error('mail not sent', { subject: message.subject, error }))
        .finally(() => inFlight.delete(sending))
      inFlight.add(sending)
    },
    settled: async () => {
      await Promise.all([...inFlight])
    },
  }
}

/** The development mailbox of one address, newest first. */
export async function listStoredMail(db: Db, to: string, limit: number): Promise<MailModel.StoredMail[]> {
  return db
    .select()
    .from(mailMessages)
    .where(eq(mailMessages.to, to.toLowerCase()))
    .orderBy(desc(mailMessages.createdAt), desc(mailMessages.id))
    .limit(limit)
}
