import { sql } from 'drizzle-orm'
import { fromDrizzle, fromPglite, PgBoss } from 'pg-boss'
import type { Database, Tx } from '../db/client'
import type { Logger } from '../lib/log'

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

const DEFAULTS: JobKindOptions = { retryLimit: 3, retryDelaySeconds: 5, backoff: true, concurrency: 2, expireInSeconds: 15 * 60, singleton: false }

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

export interface Queue {
  readonly boss: PgBoss
  /** True between a successful start and stop (readiness). */
  started(): boolean
  /** Creates the kind's queue and dead-letter queue; starts its workers unless web-only. */
  register(kind: JobKind<object>): Promise<void>
  enqueue<T extends object>(kind: JobKind<T>, data: T, options?: EnqueueOptions): Promise<string | null>
  /** Cron schedule; pg-boss fires each schedule once however many instances run. */
  schedule<T extends object>(kind: JobKind<T>, cron: string, data?: T): Promise<void>
  depth(): Promise<QueueDepth[]>
  stop(): Promise<void>
}

/**
 * Starts the durable job queue (pg-boss) on the app's own database: its own pool on Postgres,
 * the shared PGlite instance otherwise. `workers: false` enqueues and schedules but runs nothing
 * (web-only instances).
 */
export async function startQueue(database: Database, log: Logger, options: { workers?: boolean } = {}): Promise<Queue> {
  const workers = options.workers ?? true
  const boss =
    database.kind === 'postgres'
      ? new PgBoss({ connectionString: database.url, schema: 'pgboss', max: 4 })
      : new PgBoss({ db: fromPglite(database.client), backend: 'pglite', schema: 'pgboss' })
  boss.on('error', (error) => log.error('job queue error', { error }))
  await boss.start()
  let running = true
  const kinds = new Set<string>()
  return {
    boss,
    started: () => running,
    register: async (kind) => {
      const { retryLimit, retryDelaySeconds, backoff, concurrency, expireInSeconds, singleton } = kind.options
      await boss.createQueue(deadLetterOf(kind.name))
      await boss.createQueue(kind.name, {
        retryLimit,
        retryDelay: retryDelaySeconds,
        retryBackoff: backoff,
        expireInSeconds,
        deadLetter: deadLetterOf(kind.name),
        // 'exclusive' allows one queued-or-active job per singleton key.
        policy: singleton ? 'exclusive' : 'standard',
      })
      kinds.add(kind.name)
      if (!workers) return
      await boss.work<object>(kind.name, { localConcurrency: concurrency, batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
        if (job === undefined) return
        const started = performance.now()
        try {
          const result = await kind.run(job.data, { id: job.id, attempt: job.retryCount, signal: job.signal })
          log.info('job done', { kind: kind.name, jobId: job.id, attempt: job.retryCount, ms: Math.round(performance.now() - started) })
          return result
        } catch (error) {
          log.warn('job failed', { kind: kind.name, jobId: job.id, attempt: job.retryCount, error })
          throw error
        }
      })
    },
    enqueue: (kind, data, { tx, singletonKey, startAfter } = {}) => {
      if (kind.options.singleton && singletonKey === undefined) throw new Error(`${kind.name} needs a singleton key`)
      return boss.send(kind.name, data, {
        ...(tx === undefined ? {} : { db: fromDrizzle(tx as never, sql as never) }),
        ...(singletonKey === undefined ? {} : { singletonKey }),
        ...(startAfter === undefined ? {} : { startAfter }),
      })
    },
    schedule: (kind, cron, data) => boss.schedule(kind.name, cron, data ?? null),
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
    stop: async () => {
      running = false
      await boss.stop({ graceful: true, timeout: 10_000 })
    },
  }
}
