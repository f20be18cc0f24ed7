import { and, desc, eq, inArray } from 'drizzle-orm'
import type { Tx } from '../../../db/client'
import { toCsv } from '../../../lib/csv'
import { AppError } from '../../../lib/errors'
import { listSignIns, type SignInRow } from '../../accounts'
import { listNotifications } from '../../notifications'
import { ACTIVE_STATUSES } from '../snapshot'
import { jobFiles, jobs } from '../table'
import { type Progress, startJob, type TrackedJob, type TrackedJobKind, trackedJob } from './runner'
import { DAY, type JobRow, type JobsDeps } from './shared'

export const EXPORT_SECTIONS = ['sessions', 'notifications'] as const
export type ExportSection = (typeof EXPORT_SECTIONS)[number]
export interface ExportInput {
  sections: ExportSection[]
}

/** How long a finished export can be downloaded. */
export const DOWNLOAD_TTL_MS = DAY
const PAGE = 100

const HEADER = ['type', 'id', 'at', 'description', 'ip', 'user_agent', 'link']

function signInRow(session: SignInRow): (string | null)[] {
  const ended =
    session.revokedAt !== null
      ? `ended ${session.revokedAt.toISOString()} (${session.revokedReason ?? 'revoked'})`
      : `valid until ${session.expiresAt.toISOString()}`
  return ['sign_in', session.id, session.createdAt.toISOString(), `signed in; last used ${session.lastUsedAt.toISOString()}; ${ended}`, session.ip, session.userAgent, null]
}

/** Appends the section's rows; answers how many, or null when the job was cancelled meanwhile. */
type Collector = (deps: JobsDeps, userId: string, rows: (string | null)[][], progress: Progress) => Promise<number | null>

const COLLECTORS: Record<ExportSection, { step: string; noun: string; collect: Collector }> = {
  sessions: {
    step: 'Collecting sign-ins',
    noun: 'sign-ins',
    collect: async (deps, userId, rows, progress) => {
      let n = 0
      for (let page = await listSignIns(deps.db, userId, null, PAGE); page.length > 0; page = await listSignIns(deps.db, userId, page.at(-1)!.id, PAGE)) {
        if (await progress.cancelled()) return null
        rows.push(...page.map(signInRow))
        n += page.length
      }
      return n
    },
  },
  notifications: {
    step: 'Collecting notifications',
    noun: 'notifications',
    collect: async (deps, userId, rows, progress) => {
      let n = 0
      let cursor: string | null = null
      do {
        if (await progress.cancelled()) return null
        const page = await listNotifications(deps.db, userId, { limit: PAGE, ...(cursor === null ? {} : { cursor }) })
        for (const item of page.items) rows.push(['notification', item.id, item.updatedAt, `${item.summary}${item.read ? ' (read)' : ''}`, null, null, item.link])
        n += page.items.length
        cursor = page.nextCursor
      } while (cursor !== null)
      return n
    },
  },
}

/**
 * A tracked job's CSV result, kept for its owner for DOWNLOAD_TTL_MS at /api/v1/jobs/<id>/download:
 * the job's `result` (the download's description) and its `save` (the file, stored with the job's
 * success in one transaction, so a retried try replaces nothing and duplicates nothing).
 */
export function csvDownload(deps: Pick<JobsDeps, 'clock'>, jobId: string, fileName: string, rows: (string | number | null)[][]) {
  const content = new Uint8Array(Buffer.from(toCsv(rows.map((row) => row.map((cell) => (typeof cell === 'number' ? String(cell) : cell)))), 'utf8'))
  const now = deps.clock.now()
  const expiresAt = new Date(now.getTime() + DOWNLOAD_TTL_MS)
  const file = { fileName, contentType: 'text/csv; charset=utf-8', content, createdAt: now, expiresAt }
  return {
    result: {
      download: { url: `/api/v1/jobs/${jobId}/download`, fileName, contentType: file.contentType, bytes: content.length, rows: rows.length - 1, expiresAt: expiresAt.toISOString() },
    },
    save: async (tx: Tx) => {
      await tx.insert(jobFiles).values({ jobId, ...file }).onConflictDoUpdate({ target: jobFiles.jobId, set: file })
    },
  }
}

/**
 * `exports.csv`: a CSV of the owner's own data, one step per section, left as a download for
 * DOWNLOAD_TTL_MS. The file is stored with the job's success (one transaction), so a retried try
 * (a worker killed mid-way) replaces nothing and duplicates nothing. Singleton per user: asking
 * again while one is queued or running answers that one.
 */
export const exportsCsv = trackedJob<ExportInput>(
  'exports.csv',
  async (deps, input, progress, job) => {
    const rows: (string | null)[][] = []
    const sections = EXPORT_SECTIONS.filter((section) => input.sections.includes(section))
    for (const [i, section] of sections.entries()) {
      const { step, noun, collect } = COLLECTORS[section]
      await progress.step(step)
      const n = await collect(deps, job.ownerId!, rows, progress)
      if (n === null) return { result: null }
      await progress.log(`${noun}: ${n}`)
      await progress.percent(((i + 1) / sections.length) * 90)
    }
    await progress.step('Writing the file')
    return csvDownload(deps, job.id, `souk-export-${deps.clock.now().toISOString().slice(0, 10)}.csv`, [HEADER, ...rows])
  },
  // Heartbeats find a killed worker within seconds; expiry stays generous for large exports.
  { singleton: true, retryLimit: 2, retryDelaySeconds: 2, heartbeatSeconds: 10, expireInSeconds: 30 * 60, concurrency: 2 },
)

async function findActiveExport(db: JobsDeps['db'] | Tx, ownerId: string): Promise<JobRow | null> {
  const [row] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.ownerId, ownerId), eq(jobs.kind, exportsCsv.name), inArray(jobs.status, ACTIVE_STATUSES)))
    .orderBy(desc(jobs.id))
    .limit(1)
  return row ?? null
}

/**
 * Starts an export of the owner's data, or answers the one already queued or running (`created`
 * false). With `tx`, the job is enqueued in that transaction and exists only if it commits.
 */
export async function requestExport(deps: JobsDeps, ownerId: string, input: ExportInput, tx?: Tx): Promise<{ job: JobRow; created: boolean }> {
  const existing = await findActiveExport(tx ?? deps.db, ownerId)
  if (existing !== null) return { job: existing, created: false }
  const start = (t: Tx) => startJob(deps, t, exportsCsv, { ownerId, input: { sections: [...new Set(input.sections)] }, singletonKey: ownerId })
  const started = await (tx === undefined ? deps.db.transaction(start) : start(tx))
  if (started !== null) return { job: started, created: true }
  // Another request won the race between our check and the enqueue: answer its job.
  const winner = await findActiveExport(tx ?? deps.db, ownerId)
  if (winner === null) throw new AppError('conflict', 'An export is already being prepared; try again in a moment')
  return { job: winner, created: false }
}

/** The owner's download of a finished job; anyone else's, or an expired one, is "not found". */
export async function readDownload(deps: JobsDeps, ownerId: string, jobId: string) {
  const [file] = await deps.db
    .select({ fileName: jobFiles.fileName, contentType: jobFiles.contentType, content: jobFiles.content, expiresAt: jobFiles.expiresAt })
    .from(jobFiles)
    .innerJoin(jobs, eq(jobs.id, jobFiles.jobId))
    .where(and(eq(jobFiles.jobId, jobId), eq(jobs.ownerId, ownerId)))
  if (file === undefined) throw new AppError('not_found', 'No such download')
  if (file.expiresAt <= deps.clock.now()) throw new AppError('not_found', 'This download has expired; start a new export')
  return file
}

/** One page of a list export's rows, and the cursor of the next page (null after the last). */
export interface ExportPage {
  rows: (string | number | null)[][]
  nextCursor: string | null
}

/**
 * A tracked CSV export of a list admins filter (users, orders, transactions, audit): `page` reads
 * the list as its screen does, cursor page after cursor page, the log counts the rows as they come,
 * and the file is kept for download like `exports.csv`'s. Stops between pages when cancelled.
 */
export function listExport<I extends object>(
  name: TrackedJobKind,
  spec: { fileName: string; noun: string; header: string[]; page: (deps: JobsDeps, input: I, cursor: string | null) => Promise<ExportPage> },
): TrackedJob<I> {
  return trackedJob<I>(
    name,
    async (deps, input, progress, job) => {
      await progress.step(`Collecting ${spec.noun}`)
      const rows: (string | number | null)[][] = [spec.header]
      let cursor: string | null = null
      do {
        if (await progress.cancelled()) return { result: null }
        const page: ExportPage = await spec.page(deps, input, cursor)
        rows.push(...page.rows)
        cursor = page.nextCursor
        if (cursor !== null && (rows.length - 1) % LOG_EVERY < page.rows.length) await progress.log(`${rows.length - 1} ${spec.noun} so far`)
      } while (cursor !== null)
      await progress.log(`${rows.length - 1} ${spec.noun}`)
      await progress.step('Writing the file')
      return csvDownload(deps, job.id, `${spec.fileName}-${deps.clock.now().toISOString().slice(0, 10)}.csv`, rows)
    },
    { retryLimit: 2, retryDelaySeconds: 2, heartbeatSeconds: 10, expireInSeconds: 30 * 60, concurrency: 2 },
  )
}

/** How often a list export logs its count. */
const LOG_EVERY = 5_000

/** Starts `kind` with `input` for `ownerId` (an admin's export: the job is theirs to follow and download). */
export async function startListExport<I extends object>(deps: JobsDeps, ownerId: string, kind: TrackedJob<I>, input: I): Promise<JobRow> {
  const job = await deps.db.transaction((tx) => startJob(deps, tx, kind, { ownerId, input }))
  // Not a singleton kind: startJob answers null only for those.
  return job!
}

type Times = { from?: Date; to?: Date }
/** A list's filters as an export job keeps them (its input is JSON): `from` and `to` as ISO strings. */
export type JsonTimes<F extends Times> = Omit<F, 'from' | 'to'> & { from?: string; to?: string }

/** The filters' times as ISO strings, for a job's input. */
export function timesToJson<F extends Times>({ from, to, ...rest }: F): JsonTimes<F> {
  return { ...rest, ...(from === undefined ? {} : { from: from.toISOString() }), ...(to === undefined ? {} : { to: to.toISOString() }) }
}

/** A job's input back to the list's filters. */
export function timesFromJson<F extends Times>({ from, to, ...rest }: JsonTimes<F>): Omit<F, 'from' | 'to'> & Times {
  // The rest is F's own fields, which the round trip leaves as they were.
  return { ...(rest as unknown as Omit<F, 'from' | 'to'>), ...(from === undefined ? {} : { from: new Date(from) }), ...(to === undefined ? {} : { to: new Date(to) }) }
}
