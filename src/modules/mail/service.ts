import { desc, eq } from 'drizzle-orm'
import { createTransport } from 'nodemailer'
import type { Db, Tx } from '../../db/client'
import { defineJob, type JobKind, type Queue } from '../../jobs/queue'
import type { Clock } from '../../lib/clock'
import { newId } from '../../lib/ids'
import type { Logger } from '../../lib/log'
import type { MailModel } from './model'
import { mailMessages } from './table'

export interface MailMessage {
  to: string
  subject: string
  text: string
  /** Extra headers (List-Unsubscribe and List-Unsubscribe-Post for a digest, RFC 8058). */
  headers?: Record<string, string>
}

export interface Mailer {
  readonly kind: 'smtp' | 'stored'
  /** The `email.send` job kind that delivers queued mail; registered with the queue at start. */
  readonly job: JobKind<MailMessage>
  /**
   * With a queue: enqueues the message, and the queue delivers it with retries (rejects only when
   * enqueueing fails). Without one (unit tests): delivers (SMTP) or stores (development mailbox)
   * it now, and rejects when that fails.
   */
  send(message: MailMessage): Promise<void>
  /**
   * send() as part of the caller's transaction: with a queue, the delivery job is enqueued in `tx`,
   * so it exists only if the transaction commits (a step that records "sent" and sends does both
   * or neither). Without a queue (unit tests) the development mailbox stores it in `tx`; SMTP
   * delivers at once, which a rollback cannot take back.
   */
  sendIn(tx: Tx, message: MailMessage): Promise<void>
  /**
   * Sends without making the caller wait, logging a failure. Auth flows use it so that an
   * answer takes the same time whether or not a message went out (no account enumeration).
   */
  dispatch(message: MailMessage): void
  /**
   * dispatch() for a message that takes work to make (`compose`; null: nothing to send). The
   * caller answers before that work, so its answer's time says nothing about what was done.
   */
  dispatchAfter(compose: () => Promise<MailMessage | null>): void
  /**
   * Resolves once every message sent or dispatched from here has been delivered or has failed
   * (waiting at most SETTLE_TIMEOUT_MS for the queue): the development mailbox reads after it.
   */
  settled(): Promise<void>
  /**
   * Resolves once the work of every dispatched message is done and the message is handed to the
   * queue (or delivered, without one): a stopping process waits for it, so no sign-up is lost.
   */
  flushed(): Promise<void>
}

/** The longest settled() waits for queued mail (a worker elsewhere may be slow or stopped). */
export const SETTLE_TIMEOUT_MS = 10_000
/** Queued messages settled() keeps track of; beyond it the oldest are forgotten (nobody may ever settle). */
const TRACKED_MAX = 1_000

export interface MailerDeps {
  db: Db
  clock: Clock
  log: Logger
  smtpUrl: string | null
  from: string
  /** Send through the queue when there is one. */
  queue?: Queue | null
}

/** SMTP when a URL is configured, otherwise the database-backed development mailbox. */
export function createMailer({ db, clock, log, smtpUrl, from, queue = null }: MailerDeps): Mailer {
  const transport = smtpUrl === null ? null : createTransport(smtpUrl)
  /** `id` makes storing idempotent: a queued message retried after a crash is stored once. */
  const deliver = async (message: MailMessage, id: string, conn: Db | Tx = db) => {
    const to = message.to.toLowerCase()
    const headers = message.headers ?? null
    if (transport !== null) {
      await transport.sendMail({ from, to, subject: message.subject, text: message.text, ...(headers === null ? {} : { headers }) })
      return
    }
    await conn
      .insert(mailMessages)
      .values({ id, to, subject: message.subject, text: message.text, headers, createdAt: clock.now() })
      .onConflictDoNothing()
  }
  const queued = new Set<string>()
  const job = defineJob<MailMessage>(
    'email.send',
    async (message, attempt) => {
      await deliver({ to: message.to, subject: message.subject, text: message.text, headers: message.headers }, `mail_${attempt.id.replaceAll('-', '')}`)
      queued.delete(attempt.id)
    },
    // About 10 s, 20 s, 40 s, ... between tries: long enough for an SMTP server to come back.
    { retryLimit: 5, retryDelaySeconds: 10, backoff: true, concurrency: 4, expireInSeconds: 120 },
  )
  const track = (id: string | null) => {
    if (id === null) return
    queued.add(id)
    if (queued.size > TRACKED_MAX) queued.delete(queued.values().next().value!)
  }
  const send = async (message: MailMessage) => {
    if (queue === null) return deliver(message, newId('mail'))
    track(await queue.enqueue(job, message))
  }
  // A job rolled back with its transaction is never found: settled() counts it as finished.
  const sendIn = async (tx: Tx, message: MailMessage) => {
    if (queue === null) return deliver(message, newId('mail'), tx)
    track(await queue.enqueue(job, message, { tx }))
  }
  const inFlight = new Set<Promise<void>>()
  const dispatchAfter = (compose: () => Promise<MailMessage | null>) => {
    const sending = compose()
      .then(async (message) => {
        if (message === null) return
        await send(message).catch((error: unknown) => log.error('mail not sent', { subject: message.subject, error }))
      })
      .catch((error: unknown) => log.error('mail not composed', { error }))
      .finally(() => inFlight.delete(sending))
    inFlight.add(sending)
  }
  const flushed = async () => {
    await Promise.all([...inFlight])
  }
  return {
    kind: transport === null ? 'stored' : 'smtp',
    job,
    send,
    sendIn,
    dispatch: (message) => dispatchAfter(async () => message),
    dispatchAfter,
    flushed,
    settled: async () => {
      await flushed()
      if (queue === null || queued.size === 0) return
      const ids = [...queued]
      await queue.whenFinished(job.name, ids, SETTLE_TIMEOUT_MS)
      for (const id of ids) queued.delete(id)
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
