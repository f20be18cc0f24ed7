import { createSignal, For, Show } from 'solid-js'
import type { TrackedJobKind } from '../../../src/modules/jobs'
import type { JobLogLine, JobSnapshot, JobStatus } from '../../../src/modules/jobs/snapshot'
import { cancelJob, downloadJobFile, getJob, retryJob } from '../lib/api'
import { timeAgo } from '../lib/format'
import { myTopic, useTopic } from '../lib/live'
import { currentUser } from '../lib/session'
import { Button } from './button'
import { Badge, Progress, type Tone } from './feedback'
import { Icon } from './icons'
import { toast, toastError } from './toast'

/** A label per kind of job a card can show: a new kind without one fails to compile. */
const KIND_LABEL: Record<TrackedJobKind, string> = {
  'exports.csv': 'Data export',
  'exports.sales': 'Sales export',
  'exports.users': 'Users export',
  'exports.audit': 'Audit log export',
  'exports.transfers': 'Ledger transfers export',
  'imports.products': 'Product import',
  'maintenance.purge': 'Maintenance: purge',
  'stats.daily': 'Daily statistics',
}
// A snapshot's kind is any string on the wire (a record may outlive its kind): unknown ones show as they are.
export const jobLabel = (kind: string) => (KIND_LABEL as Partial<Record<string, string>>)[kind] ?? kind

export const STATUS: Record<JobStatus, { label: string; tone: Tone }> = {
  queued: { label: 'Queued', tone: 'neutral' },
  running: { label: 'Running', tone: 'primary' },
  succeeded: { label: 'Done', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
  cancelled: { label: 'Cancelled', tone: 'warning' },
}

const isActive = (job: JobSnapshot) => job.status === 'queued' || job.status === 'running'

/** Saves a blob under a file name through a temporary link. */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName })
  link.click()
  // The click starts the download synchronously; the URL is not needed after it.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

const LOG_LIMIT = 200

/**
 * One job: status, progress bar, steps, log, and what can be done with it (cancel, retry,
 * download). A job that is active when shown (or retried here) follows `job:<id>` from its first
 * event, so the bar and the log replay what happened before the page opened and then go live; a
 * finished one loads its log on request.
 */
export function JobCard(props: { job: JobSnapshot; /** The admin view retries through its own route. */ retry?: typeof retryJob }) {
  const [job, setJob] = createSignal(props.job)
  const [log, setLog] = createSignal<JobLogLine[] | null>(isActive(props.job) ? [] : null)
  const [watching, setWatching] = createSignal(isActive(props.job))
  const [busy, setBusy] = createSignal(false)

  // Re-reads (after a resync, "Show log") may overlap: only the latest lands. An answer older than
  // the job a live event showed while it was on its way is read again rather than undoing that
  // event (the job's last one would otherwise be overwritten for good).
  let reads = 0
  const loadDetail = async (): Promise<void> => {
    const read = ++reads
    try {
      const detail = await getJob(job().id)
      if (read !== reads) return
      if (Date.parse(detail.updatedAt) < Date.parse(job().updatedAt)) return loadDetail()
      setJob(detail)
      setLog(detail.log)
    } catch (error) {
      toastError(error, 'Could not load the job')
    }
  }

  useTopic(
    () => (watching() ? (`job:${props.job.id}` as const) : null),
    {
      onEvent: (event) => {
        setJob(event.data.job)
        setLog((lines) => [...(lines ?? []), ...event.data.log].slice(-LOG_LIMIT))
      },
      onResync: () => void loadDetail(),
    },
    { since: 0 },
  )

  const act = async (work: () => Promise<void>) => {
    setBusy(true)
    try {
      await work()
    } finally {
      setBusy(false)
    }
  }
  const cancel = () =>
    act(async () => {
      try {
        setJob(await cancelJob(job().id))
      } catch (error) {
        toastError(error, 'Could not cancel the job')
      }
    })
  const retry = () =>
    act(async () => {
      try {
        setJob(await (props.retry ?? retryJob)(job().id))
        // Followed from its first event: the log is rebuilt from them, so start it empty.
        if (!watching()) {
          setLog([])
          setWatching(true)
        }
      } catch (error) {
        toastError(error, 'Could not retry the job')
      }
    })
  const download = () =>
    act(async () => {
      const file = job().result?.download
      if (file === undefined) return
      try {
        saveFile(await downloadJobFile(job().id, file.contentType), file.fileName)
      } catch (error) {
        toastError(error, 'Could not download the file')
      }
    })

  const current = () => (job().status === 'running' ? job().step : null)
  return (
    <article class="card job" aria-labelledby={`${props.job.id}-title`} data-status={job().status}>
      <div class="job__head">
        <div>
          <h3 id={`${props.job.id}-title`}>{jobLabel(job().kind)}</h3>
          <p class="muted">
            Started {timeAgo(job().createdAt)}
            <Show when={job().attempts > 1}> · try {job().attempts}</Show>
            <Show when={job().ownerId !== null && job().ownerId !== currentUser()?.id}> · for {job().ownerId}</Show>
          </p>
        </div>
        <Badge tone={STATUS[job().status].tone}>{STATUS[job().status].label}</Badge>
      </div>
      <Progress label={current() ?? STATUS[job().status].label} value={job().progress} />
      <Show when={job().steps.length > 0}>
        <ol class="job__steps" aria-label="Steps">
          <For each={job().steps}>
            {(step, index) => {
              const running = () => step === current() && index() === job().steps.length - 1
              return (
                <li classList={{ 'is-running': running() }}>
                  <Icon name={running() ? 'refresh' : 'check'} />
                  {step}
                </li>
              )
            }}
          </For>
        </ol>
      </Show>
      <Show when={job().error}>{(error) => <p class="job__error" role="alert">{error()}</p>}</Show>
      <Show when={log()}>
        {(lines) => (
          <ol class="job__log" aria-label="Log">
            <For each={lines()}>
              {(line) => (
                <li>
                  <time datetime={line.at}>{new Date(line.at).toISOString().slice(11, 19)}</time> {line.line}
                </li>
              )}
            </For>
          </ol>
        )}
      </Show>
      <div class="job__actions">
        <Show when={log() === null}>
          <Button size="sm" variant="ghost" onClick={() => void loadDetail()}>
            Show log
          </Button>
        </Show>
        <Show when={isActive(job())}>
          <Button size="sm" onClick={() => void cancel()} disabled={busy()}>
            Cancel
          </Button>
        </Show>
        <Show when={job().status === 'failed'}>
          <Button size="sm" onClick={() => void retry()} disabled={busy()}>
            <Icon name="refresh" /> Retry
          </Button>
        </Show>
        <Show when={job().status === 'succeeded' && job().result?.download}>
          {(file) => (
            <Button size="sm" variant="primary" onClick={() => void download()} disabled={busy()}>
              Download {file().fileName} ({file().rows} rows)
            </Button>
          )}
        </Show>
      </div>
    </article>
  )
}

/** Says so, anywhere in the app, when one of the signed-in user's jobs finishes (`job.finished` on `user:<id>`). */
export function JobFinishedToasts() {
  useTopic(myTopic, {
    onEvent: (event) => {
      if (event.kind !== 'job.finished') return
      const name = jobLabel(event.data.kind)
      if (event.data.status === 'succeeded') toast(`${name} finished. It is on your Jobs page.`, 'success')
      else if (event.data.status === 'failed') toast(`${name} failed: ${event.data.error ?? 'no reason given'}`, 'error')
      else toast(`${name} was cancelled.`, 'info')
    },
  })
  return null
}
