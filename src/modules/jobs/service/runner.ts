import { eq } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import { publicMessageOf } from '../../../db/errors'
import { defineJob, type JobAttempt, type JobKind, type JobKindOptions } from '../../../jobs/queue'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import type { JobResult } from '../snapshot'
import { jobFiles, jobs } from '../table'
import { changeJob, type JobEdit } from './changes'
import { DAY, type JobRow, type JobsDeps } from './shared'

/** What a handler reports through; each call is written to the job and published on `job:<id>`. */
export interface Progress {
  /** Starts a named step (it joins the step list and becomes the current step). */
  step(name: string): Promise<void>
  /** 0–100. */
  percent(value: number): Promise<void>
  log(line: string): Promise<void>
  /**
   * True once the job was cancelled (or this try was superseded, or the worker is stopping):
   * check it between steps and return. step/percent/log also stop a cancelled job, by throwing.
   */
  cancelled(): Promise<boolean>
}

/** What a handler leaves: the job's result, and writes to commit together with its success. */
export interface JobOutcome {
  result: JobResult | null
  /** Runs in the transaction that marks the job succeeded, so its effect happens once or not at all. */
  save?: (tx: Tx) => Promise<void>
}

export interface RunningJob {
  id: string
  ownerId: string | null
  /** 1 on the first try. */
  attempt: number
}

export type TrackedHandler<I> = (deps: JobsDeps, input: I, progress: Progress, job: RunningJob) => Promise<JobOutcome>

/** What pg-boss carries for a tracked job: the record's id, or nothing for a cron run (the record is made at its first try). */
export interface TrackedData {
  jobId?: string
}

/**
 * The names of the tracked kinds, one key each: this module's here; another module adds its own
 * beside the kind, by augmenting this interface through the jobs module's index (as catalog's
 * imports.ts does for `imports.products`). `trackedJob` takes only these names, and the web client
 * keys what it shows per kind by them, so a kind without a label there fails to compile.
 */
export interface TrackedJobKinds {
  'exports.csv': true
  'maintenance.purge': true
}
export type TrackedJobKind = keyof TrackedJobKinds

/**
 * A kind of user-visible job: a name, queue options and a handler that reports progress. Declared
 * once at module level; `bindTrackedJob` gives it its dependencies when the queue registers it.
 * Its failures are kept on the job record (status failed, with the error), not in a dead-letter queue.
 */
export interface TrackedJob<I extends object> {
  readonly name: TrackedJobKind
  readonly options: JobKindOptions
  readonly handler: TrackedHandler<I>
}

export function trackedJob<I extends object>(name: TrackedJobKind, handler: TrackedHandler<I>, options: Partial<JobKindOptions> = {}): TrackedJob<I> {
  const { options: resolved } = defineJob(name, async () => {}, { ...options, deadLetter: false })
  return { name, options: resolved, handler }
}

/** The job was cancelled, or this try was superseded, while it ran: stop quietly. */
class JobStopped extends Error {}

const isCurrentTry = (row: JobRow, attempt: number) => row.status === 'running' && row.attempts === attempt

function createProgress(deps: JobsDeps, jobId: string, attempt: number, signal: AbortSignal): Progress {
  const write = async (edit: (row: JobRow) => JobEdit) => {
    // A stopping worker gives the job back: failing this try makes pg-boss retry it elsewhere.
    if (signal.aborted) throw new Error('the worker stopped during the job')
    const changed = await changeJob(deps, jobId, (row) => (isCurrentTry(row, attempt) ? edit(row) : null))
    if (changed === null) throw new JobStopped()
  }
  return {
    step: (name) => write((row) => ({ set: { step: name, steps: [...row.steps, name] } })),
    percent: (value) => write(() => ({ set: { progress: Math.max(0, Math.min(100, Math.round(value))) } })),
    log: (line) => write(() => ({ set: {}, lines: [line] })),
    cancelled: async () => {
      if (signal.aborted) return true
      const [row] = await deps.db.select().from(jobs).where(eq(jobs.id, jobId))
      return row === undefined || !isCurrentTry(row, attempt)
    },
  }
}

/** The record of a cron run, made at its first try and found again at a retry (keyed by the pg-boss id). */
async function recordScheduledRun(deps: JobsDeps, kind: string, bossId: string): Promise<string> {
  const now = deps.clock.now()
  await deps.db
    .insert(jobs)
    .values({ id: newId('job'), ownerId: null, kind, status: 'queued', input: {}, bossId, createdAt: now, updatedAt: now })
    .onConflictDoNothing({ target: jobs.bossId })
  const [row] = await deps.db.select({ id: jobs.id }).from(jobs).where(eq(jobs.bossId, bossId))
  return row!.id
}


/**
 * The pg-boss kind of a tracked job, bound to its dependencies. Each delivery claims the record
 * (a new try), runs the handler with a Progress, and settles the record. Delivery is at least
 * once, so a delivery that finds its record cancelled, finished, or handed to a newer pg-boss job
 * does nothing, and the handler's effect is committed with the success (JobOutcome.save).
 */
export function bindTrackedJob<I extends object>(deps: JobsDeps, spec: TrackedJob<I>): JobKind<TrackedData> {
  const run = async (data: TrackedData, delivery: JobAttempt) => {
    const jobId = data.jobId ?? (await recordScheduledRun(deps, spec.name, delivery.id))
    const claimed = await changeJob(deps, jobId, (row) =>
      (row.status === 'queued' || row.status === 'running') && row.bossId === delivery.id
        ? {
            set: { status: 'running', attempts: row.attempts + 1, startedAt: row.startedAt ?? deps.clock.now(), progress: 0, step: null, steps: [], error: null },
            lines: [row.attempts === 0 ? 'Started' : `Try ${row.attempts + 1} started`],
          }
        : null,
    )
    if (claimed === null) return
    const attempt = claimed.attempts
    const progress = createProgress(deps, jobId, attempt, delivery.signal)
    let outcome: JobOutcome
    try {
      outcome = await spec.handler(deps, claimed.input as I, progress, { id: jobId, ownerId: claimed.ownerId, attempt })
    } catch (error) {
      if (error instanceof JobStopped) return
      const final = delivery.attempt >= spec.options.retryLimit
      await changeJob(deps, jobId, (row) =>
        isCurrentTry(row, attempt)
          ? {
              set: final ? { status: 'failed', error: publicMessageOf(error), finishedAt: deps.clock.now() } : { status: 'queued', error: publicMessageOf(error) },
              lines: [`Try ${attempt} failed: ${publicMessageOf(error)}${final ? '' : '; it will be retried'}`],
            }
          : null,
      )
      throw error
    }
    await changeJob(deps, jobId, (row) =>
      isCurrentTry(row, attempt)
        ? {
            set: { status: 'succeeded', progress: 100, step: null, result: outcome.result, finishedAt: deps.clock.now() },
            lines: ['Done'],
            ...(outcome.save === undefined ? {} : { save: outcome.save }),
          }
        : null,
    )
  }
  return { name: spec.name, options: spec.options, run }
}

/** A file a job works on (an upload), stored with the job rather than in its input, which job lists read. */
export interface JobInputFile {
  fileName: string
  contentType: string
  content: Uint8Array<ArrayBuffer>
}

/** How long a job's input file is kept: its tries, and a retry asked for the same day, can read it. */
export const INPUT_FILE_TTL_MS = DAY

/**
 * Creates a job record and enqueues it, both in `tx`: the job exists, and runs, only if `tx`
 * commits. Answers null, writing nothing, when the kind is singleton and `singletonKey` already
 * has a job queued or running. `file` is stored with it (see readJobInputFile).
 */
export async function startJob<I extends object>(
  deps: JobsDeps,
  tx: Tx,
  spec: TrackedJob<I>,
  request: { ownerId: string | null; input: I; singletonKey?: string; file?: JobInputFile },
): Promise<JobRow | null> {
  if (deps.queue === null) throw new AppError('not_ready', 'Background jobs are not running on this server')
  const id = newId('job')
  const bossId = Bun.randomUUIDv7()
  const sent = await deps.queue.enqueue(spec, { jobId: id } satisfies TrackedData, {
    tx,
    id: bossId,
    ...(request.singletonKey === undefined ? {} : { singletonKey: request.singletonKey }),
  })
  if (sent === null) return null
  const now = deps.clock.now()
  const [row] = await tx
    .insert(jobs)
    .values({
      id,
      ownerId: request.ownerId,
      kind: spec.name,
      status: 'queued',
      input: request.input as Record<string, unknown>,
      bossId,
      singletonKey: request.singletonKey ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
  if (request.file !== undefined) await tx.insert(jobFiles).values({ jobId: id, ...request.file, createdAt: now, expiresAt: new Date(now.getTime() + INPUT_FILE_TTL_MS) })
  return row!
}

/** The file a job was started with (startJob's `file`), or null when there was none or the daily purge removed it. */
export async function readJobInputFile(deps: JobsDeps, jobId: string): Promise<JobInputFile | null> {
  const [file] = await deps.db
    .select({ fileName: jobFiles.fileName, contentType: jobFiles.contentType, content: jobFiles.content })
    .from(jobFiles)
    .where(eq(jobFiles.jobId, jobId))
  return file ?? null
}
