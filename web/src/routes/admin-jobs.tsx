import { createSignal, For, Show } from 'solid-js'
import type { JobSnapshot } from '../../../src/modules/jobs/snapshot'
import { SignedIn } from '../components/auth-gate'
import { Button } from '../components/button'
import { EmptyState, Skeleton } from '../components/feedback'
import { Icon } from '../components/icons'
import { SelectField } from '../components/field'
import { JobCard } from '../components/job-card'
import { BulkBar, createSelection, SelectBox } from '../components/queue-tools'
import { toast, toastError } from '../components/toast'
import { getJobQueues, listAllJobs, retryAnyJob, retryDeadLetter, retryJobs } from '../lib/api'
import { timeAgo } from '../lib/format'
import { PageMeta } from '../lib/head'

type Queues = Awaited<ReturnType<typeof getJobQueues>>

/** Queue depth per kind, failed jobs (by kind) and dead letters, each failure retryable from here, failed jobs also those ticked at once. */
function JobsOverview() {
  const [queues, setQueues] = createSignal<Queues | null>(null)
  const [failed, setFailed] = createSignal<JobSnapshot[] | null>(null)
  const [kind, setKind] = createSignal('')
  const selection = createSelection()
  const load = async () => {
    try {
      const [q, f] = await Promise.all([getJobQueues(), listAllJobs({ status: 'failed', limit: 50, ...(kind() === '' ? {} : { kind: kind() }) })])
      setQueues(q)
      setFailed(f.items)
    } catch (error) {
      toastError(error, 'Could not load the queues')
    }
  }
  void load()

  const redrive = async (kind: string, id: string) => {
    try {
      await retryDeadLetter(kind, id)
      toast(`The ${kind} dead letter is back in its queue.`, 'success')
      await load()
    } catch (error) {
      toastError(error, 'Could not retry the dead letter')
    }
  }

  return (
    <div class="stack">
      <section class="card" aria-labelledby="queues-title">
        <div class="card__header">
          <h2 id="queues-title">Queues</h2>
          <Button size="sm" onClick={() => void load()}>
            <Icon name="refresh" /> Refresh
          </Button>
        </div>
        <div class="card__body table-scroll">
          <Show when={queues()} fallback={<Skeleton height="120px" />}>
            {(q) => (
              <table class="data-table">
                <caption class="visually-hidden">Jobs per kind (counts lag by up to 10 seconds)</caption>
                <thead>
                  <tr>
                    <th scope="col">Kind</th>
                    <th scope="col" class="num">Ready</th>
                    <th scope="col" class="num">Deferred</th>
                    <th scope="col" class="num">Active</th>
                    <th scope="col" class="num">Failed</th>
                    <th scope="col" class="num">Dead</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={q().queues}>
                    {(row) => (
                      <tr>
                        <th scope="row">{row.kind}</th>
                        <td class="num">{row.ready}</td>
                        <td class="num">{row.deferred}</td>
                        <td class="num">{row.active}</td>
                        <td class="num">{row.failed}</td>
                        <td class="num">{row.dead}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            )}
          </Show>
        </div>
      </section>

      <section class="stack" aria-labelledby="failed-title">
        <h2 id="failed-title" class="section-title">
          Failed jobs
        </h2>
        <div class="row">
          <SelectField
            label="Kind"
            name="kind"
            value={kind()}
            onChange={(event) => (setKind(event.currentTarget.value), selection.clear(), void load())}
            options={[{ value: '', label: 'Every kind' }, ...(queues()?.queues ?? []).map((q) => ({ value: q.kind, label: q.kind }))]}
          />
        </div>
        <BulkBar
          selection={selection}
          shown={() => (failed() ?? []).map((job) => job.id)}
          actions={[{ label: 'Retry selected', done: (n) => (n === 1 ? '1 job is queued again.' : `${n} jobs are queued again.`), run: retryJobs }]}
          onDone={() => void load()}
        />
        <Show when={failed()} fallback={<Skeleton height="120px" />}>
          {(list) => (
            <Show
              when={list().length > 0}
              fallback={
                <div class="card">
                  <EmptyState icon="check" title="No failed jobs" headingLevel={3}>
                    Jobs that fail for good after their retries are listed here with their errors.
                  </EmptyState>
                </div>
              }
            >
              <For each={list()}>
                {(job) => (
                  <div class="row row--top">
                    <SelectBox selection={selection} id={job.id} label={`Select the ${job.kind} job`} />
                    <JobCard job={job} retry={retryAnyJob} />
                  </div>
                )}
              </For>
            </Show>
          )}
        </Show>
      </section>

      <section class="card" aria-labelledby="dead-title">
        <div class="card__header">
          <h2 id="dead-title">Dead letters</h2>
        </div>
        <div class="card__body">
          <Show when={queues()} fallback={<Skeleton height="80px" />}>
            {(q) => (
              <Show when={q().deadLetters.length > 0} fallback={<p class="muted">No dead letters. Work without a job record (emails) lands here after its last try.</p>}>
                <ul class="list" aria-label="Dead letters">
                  <For each={q().deadLetters}>
                    {(letter) => (
                      <li class="dead-letter">
                        <div class="stack stack--tight">
                          <strong>{letter.kind}</strong>
                          <span class="muted">
                            {letter.attempts} {letter.attempts === 1 ? 'try' : 'tries'} · failed {timeAgo(letter.failedAt)}
                          </span>
                          <code class="dead-letter__error">{letter.error ?? 'no error recorded'}</code>
                        </div>
                        <Button size="sm" onClick={() => void redrive(letter.kind, letter.id)}>
                          <Icon name="refresh" /> Retry
                        </Button>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            )}
          </Show>
        </div>
      </section>
    </div>
  )
}

export default function AdminJobs() {
  return (
    <>
      <PageMeta title="Jobs and queues" description="Souk administration: background jobs." noindex />
      <div class="page-header">
        <div>
          <h1>Jobs and queues</h1>
          <p>Queue depth per kind, failed jobs and dead letters, with their errors.</p>
        </div>
      </div>
      <SignedIn role="admin">
        <JobsOverview />
      </SignedIn>
    </>
  )
}
