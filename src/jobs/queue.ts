import { sql } from 'drizzle-orm'
import { fromDrizzle, fromPglite, PgBoss } from 'pg-boss'
import type { Database, Tx } from '../db/client'
import type { Logger } from '../lib/log'
import type { Metrics } from '../lib/metrics'

/** What a handler learns about the attempt it runs. */
export interface JobAttempt {
  id: string
  /** 0 on the first try, then 1, 2, ... */
  attempt: number
  /** Aborted when the queue stops or the job expires: stop between steps. */
  signal: AbortSignal
}

export interface JobKindOptions {
  /** Retries after the first try before the job is dead-lettered. */
  retryLimit: number
  retryDelaySeconds: number
  /** Exponential backoff between retries. */
  backoff: boolean
  /** Jobs of this kind one instance runs at once. */
  concurrency: number
  /** A try running longer than this is failed and retried. */
  expireInSeconds: number
  /**
   * Workers touch a running job this often (pg-boss's heartbeat, at half the interval); one not
   * touched for this long (its worker died) is failed and retried within SUPERVISE_SECONDS more,
   * so a long expireInSeconds does not keep a crashed job hanging. At least 10; null: off.
   */
  heartbeatSeconds: number | null
  /** Copy a job that failed its last retry into the kind's dead-letter queue (see deadLetters()). */
  deadLetter: boolean
  /**
   * While a job with the same singleton key is queued or running, enqueueing another is a no-op:
   * duplicate requests make no duplicate work. Every enqueue of such a kind must name its key.
   */
  singleton: boolean
}

/**
 * A kind of background work. Handlers must be idempotent: delivery is at least once (a worker
 * killed mid-job is retried after its expiry).
 */
export interface JobKind<T extends object> {
  readonly name: string
  readonly options: JobKindOptions
  run(data: T, attempt: JobAttempt): Promise<unknown>
}

/** What enqueueing needs of a kind: its name and options, not its handler (which may be bound later). */
export type JobKindRef = Pick<JobKind<object>, 'name' | 'options'>

const DEFAULTS: JobKindOptions = {
  retryLimit: 3,
  retryDelaySeconds: 5,
  backoff: true,
  concurrency: 2,
  expireInSeconds: 15 * 60,
  heartbeatSeconds: null,
  deadLetter: true,
  singleton: false,
}

/**
 * How often pg-boss's supervisor fails expired jobs and jobs whose heartbeat stopped, and refreshes
 * the queue counts depth() reports. pg-boss defaults to 60 s; 10 s bounds how long a job of a dead
 * worker waits before its retry, for the price of a few cheap indexed queries a minute.
 */
const SUPERVISE_SECONDS = 10
/** How often an instance checks whether a cron schedule is due (pg-boss: 30 s); one instance per interval does it. */
const CRON_CHECK_SECONDS = 10
/**
 * On Postgres a job wakes a worker the moment it is enqueued (LISTEN/NOTIFY: the enqueue's NOTIFY
 * is sent at commit); workers also poll this often, for what no NOTIFY announces: a retry or a
 * delayed job coming due, a wake-up lost while the listener reconnected. (Polling every second
 * instead made an idle instance query Postgres about 40 times a second, two workers per kind.)
 * PGlite has no LISTEN: there workers poll every second.
 */
const BACKSTOP_POLL_SECONDS = 5
const SUPERVISION = {
  superviseIntervalSeconds: SUPERVISE_SECONDS,
  monitorIntervalSeconds: SUPERVISE_SECONDS,
  cronMonitorIntervalSeconds: CRON_CHECK_SECONDS,
}
const FINISHED: JobState[] = ['completed', 'cancelled', 'failed']

/** The message of a failure as pg-boss stores it (the thrown error, or its own `{ value: { message } }`). */
function messageOf(output: unknown): string | null {
  if (typeof output !== 'object' || output === null) return null
  const { message, value } = output as { message?: unknown; value?: unknown }
  if (typeof message === 'string') return message
  return value === undefined ? null : messageOf(value)
}

export function defineJob<T extends object>(
  name: string,
  run: (data: T, attempt: JobAttempt) => Promise<unknown>,
  options: Partial<JobKindOptions> = {},
): JobKind<T> {
  if (!/^[a-z][a-z0-9_.-]*$/.test(name)) throw new Error(`bad job kind name: ${name}`)
  return { name, run, options: { ...DEFAULTS, ...options } }
}

/** The dead-letter queue of a kind: its jobs after the last retry failed. */
export const deadLetterOf = (kind: string) => `${kind}.dead`

export interface EnqueueOptions {
  /** Enqueue inside this transaction: the job exists only if it commits. */
  tx?: Tx
  /** The job's id (a UUID), when the caller records it before sending. */
  id?: string
  /** Required by singleton kinds: a second enqueue with a key still queued or running returns null. */
  singletonKey?: string
  startAfter?: Date
}

/** Counts per kind, as of pg-boss's last monitor pass (they may lag by its interval). */
export interface QueueDepth {
  kind: string
  ready: number
  deferred: number
  active: number
  failed: number
  dead: number
}

/** A job that failed its last retry, as its kind's dead-letter queue holds it. */
export interface DeadLetter {
  /** Its id in the dead-letter queue (what redrive() takes). */
  id: string
  kind: string
  error: string | null
  /** Tries it had, the first included. */
  attempts: number
  failedAt: Date
}

/** Where a job is: waiting (created, retry), running (active), or finished in one of three ways. */
export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed'

export interface Queue {
  readonly boss: PgBoss
  /** True between a successful start and stop (readiness). */
  started(): boolean
  /** Creates the kind's queue and dead-letter queue; starts its workers unless web-only. */
  register(kind: JobKind<object>): Promise<void>
  enqueue<T extends object>(kind: JobKind<T> | JobKindRef, data: T, options?: EnqueueOptions): Promise<string | null>
  /** Cron schedule; pg-boss fires each schedule once however many instances run. */
  schedule<T extends object>(kind: JobKind<T> | JobKindRef, cron: string, data?: T): Promise<void>
  /** Cancels a queued or running job (a running handler is not interrupted: it stops at its next check). */
  cancel(kind: string, id: string, options?: { tx?: Tx }): Promise<void>
  /** The job's state, or null once it is gone (deleted after its retention). */
  state(kind: string, id: string): Promise<JobState | null>
  /** Resolves once none of the jobs is waiting or running, or after `timeoutMs` (whichever comes first). */
  whenFinished(kind: string, ids: string[], timeoutMs: number): Promise<void>
  depth(): Promise<QueueDepth[]>
  /** The newest dead letters of every registered kind, newest first. */
  deadLetters(limit: number): Promise<DeadLetter[]>
  /** Sends a dead letter back to its kind's queue for a new round of tries; false when there is no such dead letter. */
  redrive(kind: string, deadLetterId: string): Promise<boolean>
  stop(): Promise<void>
}

/** pg-boss runs on the caller's transaction when given one (the only safe way inside one on a shared PGlite). */
const onConnection = (tx: Tx | undefined) => (tx === undefined ? {} : { db: fromDrizzle(tx as never, sql as never) })

/**
 * Starts the durable job queue (pg-boss) on the app's own database: its own pool on Postgres,
 * the shared PGlite instance otherwise. `workers: false` enqueues and schedules but runs nothing
 * (web-only instances).
 */
export async function startQueue(database: Database, log: Logger, options: { workers?: boolean; metrics?: Metrics } = {}): Promise<Queue> {
  const workers = options.workers ?? true
  const boss =
    database.kind === 'postgres'
      ? new PgBoss({ connectionString: database.url, schema: 'pgboss', max: 4, useListenNotify: true, ...SUPERVISION })
      : new PgBoss({ db: fromPglite(database.client), backend: 'pglite', schema: 'pgboss', ...SUPERVISION })
  boss.on('error', (error) => log.error('job queue error', { error }))
  // Such as the listener not starting (workers then poll every second).
  boss.on('warning', (warning) => log.warn('job queue warning', { warning }))
  await boss.start()
  let running = true
  const kinds = new Set<string>()
  const withDeadLetters = new Set<string>()
  const state = async (kind: string, id: string): Promise<JobState | null> => (await boss.findJobs(kind, { id }))[0]?.state ?? null
  return {
    boss,
    started: () => running,
    register: async (kind) => {
      const { retryLimit, retryDelaySeconds, backoff, concurrency, expireInSeconds, heartbeatSeconds, deadLetter, singleton } = kind.options
      if (deadLetter) await boss.createQueue(deadLetterOf(kind.name))
      const settings = { retryLimit, retryDelay: retryDelaySeconds, retryBackoff: backoff, expireInSeconds, notify: true }
      // 'exclusive' allows one queued-or-active job per singleton key.
      const policy = singleton ? 'exclusive' : 'standard'
      const made = await boss.getQueue(kind.name)
      if (made === null) {
        await boss.createQueue(kind.name, {
          ...settings,
          ...(heartbeatSeconds === null ? {} : { heartbeatSeconds }),
          ...(deadLetter ? { deadLetter: deadLetterOf(kind.name) } : {}),
          policy,
        })
      } else {
        // A queue an earlier release made keeps its options until updated: this release's apply
        // from now on. All but its policy, which pg-boss cannot change.
        await boss.updateQueue(kind.name, { ...settings, heartbeatSeconds, deadLetter: deadLetter ? deadLetterOf(kind.name) : null })
        if (made.policy !== policy) log.warn('job queue keeps the policy it was made with', { kind: kind.name, policy: made.policy, wanted: policy })
      }
      if (deadLetter) withDeadLetters.add(kind.name)
      kinds.add(kind.name)
      if (!workers) return
      await boss.work<object>(kind.name, { localConcurrency: concurrency, batchSize: 1, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: BACKSTOP_POLL_SECONDS }, async ([job]) => {
        if (job === undefined) return
        const started = performance.now()
        try {
          const result = await kind.run(job.data, { id: job.id, attempt: job.retryCount, signal: job.signal })
          const ms = performance.now() - started
          options.metrics?.jobFinished(kind.name, 'done', ms / 1000)
          log.info('job done', { kind: kind.name, jobId: job.id, attempt: job.retryCount, ms: Math.round(ms) })
          return result
        } catch (error) {
          options.metrics?.jobFinished(kind.name, 'failed', (performance.now() - started) / 1000)
          log.warn('job failed', { kind: kind.name, jobId: job.id, attempt: job.retryCount, error })
          throw error
        }
      })
    },
    enqueue: (kind, data, { tx, id, singletonKey, startAfter } = {}) => {
      if (kind.options.singleton && singletonKey === undefined) throw new Error(`${kind.name} needs a singleton key`)
      return boss.send(kind.name, data, {
        ...onConnection(tx),
        ...(id === undefined ? {} : { id }),
        ...(singletonKey === undefined ? {} : { singletonKey }),
        ...(startAfter === undefined ? {} : { startAfter }),
      })
    },
    schedule: (kind, cron, data) => boss.schedule(kind.name, cron, data ?? null),
    cancel: async (kind, id, { tx } = {}) => {
      await boss.cancel(kind, id, onConnection(tx))
    },
    state,
    whenFinished: async (kind, ids, timeoutMs) => {
      const deadline = performance.now() + timeoutMs
      for (const id of ids) {
        while (performance.now() < deadline) {
          const now = await state(kind, id)
          if (now === null || FINISHED.includes(now)) break
          await Bun.sleep(25)
        }
      }
    },
    depth: async () => {
      const names = [...kinds]
      const found = await boss.getQueues([...names, ...names.map(deadLetterOf)])
      const byName = new Map(found.map((q) => [q.name, q]))
      return names.map((name) => {
        const q = byName.get(name)
        return {
          kind: name,
          ready: q?.readyCount ?? 0,
          deferred: q?.deferredCount ?? 0,
          active: q?.activeCount ?? 0,
          failed: q?.failedCount ?? 0,
          dead: byName.get(deadLetterOf(name))?.totalCount ?? 0,
        }
      })
    },
    deadLetters: async (limit) => {
      const found = await Promise.all(
        [...withDeadLetters].map(async (kind) =>
          (await boss.findJobs(deadLetterOf(kind), { queued: true })).map((job) => ({
            id: job.id,
            kind,
            error: messageOf(job.sourceOutput ?? job.output),
            attempts: (job.sourceRetryCount ?? 0) + 1,
            failedAt: job.createdOn,
          })),
        ),
      )
      return found
        .flat()
        .sort((a, b) => b.failedAt.getTime() - a.failedAt.getTime())
        .slice(0, limit)
    },
    redrive: async (kind, deadLetterId) => {
      if (!withDeadLetters.has(kind)) return false
      return (await boss.redrive(deadLetterOf(kind), { ids: [deadLetterId] })) > 0
    },
    stop: async () => {
      running = false
      await boss.stop({ graceful: true, timeout: 10_000 })
    },
  }
}
