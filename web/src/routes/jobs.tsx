import { createSignal, Show } from 'solid-js'
import type { JobSnapshot } from '../../../src/modules/jobs/snapshot'
import { SignedIn } from '../components/auth-gate'
import { Button, ButtonLink } from '../components/button'
import { EmptyState, Skeleton } from '../components/feedback'
import { Icon } from '../components/icons'
import { JobCard } from '../components/job-card'
import { InfiniteList } from '../components/pagination'
import { toast, toastError } from '../components/toast'
import { listMyJobs, startExport } from '../lib/api'
import { PageMeta } from '../lib/head'
import { currentUser } from '../lib/session'

type Section = Parameters<typeof startExport>[0][number]
const SECTIONS: { id: Section; label: string; hint: string }[] = [
  { id: 'sessions', label: 'Sign-ins and devices', hint: 'every session: when, from where, which browser' },
  { id: 'notifications', label: 'Notifications', hint: 'everything in your notifications list' },
]

/** Asks for a CSV of the user's data; the new job joins the list (or the one already running is answered). */
function ExportForm(props: { onStarted: (job: JobSnapshot) => void }) {
  const [pending, setPending] = createSignal(false)
  const submit = async (form: HTMLFormElement) => {
    const sections = new FormData(form).getAll('section') as Section[]
    if (sections.length === 0) return toast('Choose at least one thing to export.', 'error')
    setPending(true)
    try {
      props.onStarted(await startExport(sections))
    } catch (error) {
      toastError(error, 'Could not start the export')
    } finally {
      setPending(false)
    }
  }
  return (
    <form
      class="card card__body export-form"
      aria-labelledby="export-title"
      onSubmit={(e) => {
        e.preventDefault()
        void submit(e.currentTarget)
      }}
    >
      <div>
        <h2 id="export-title">Export your data</h2>
        <p class="muted">A CSV file you can download for 24 hours.</p>
      </div>
      <fieldset class="export-form__sections">
        <legend class="visually-hidden">What to export</legend>
        {SECTIONS.map((section) => (
          <label class="check">
            <input type="checkbox" name="section" value={section.id} checked />
            <span>
              <strong>{section.label}</strong>
              <span class="muted">{section.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div>
        <Button type="submit" variant="primary" disabled={pending()}>
          <Icon name="plus" /> Start export
        </Button>
      </div>
    </form>
  )
}

function MyJobs() {
  const [jobs, setJobs] = createSignal<JobSnapshot[] | null>(null)
  const [cursor, setCursor] = createSignal<string | null>(null)
  const load = async (after: string | null) => {
    try {
      const page = await listMyJobs(after === null ? {} : { cursor: after })
      setJobs((list) => [...(after === null ? [] : (list ?? [])), ...page.items])
      setCursor(page.nextCursor)
    } catch (error) {
      toastError(error, 'Could not load your jobs')
    }
  }
  void load(null)
  const started = (job: JobSnapshot) => {
    if (jobs()?.some((j) => j.id === job.id)) return toast('That export is already running.', 'info')
    setJobs((list) => [job, ...(list ?? [])])
  }
  return (
    <div class="stack">
      <ExportForm onStarted={started} />
      <section aria-labelledby="my-jobs">
        <h2 id="my-jobs" class="section-title">
          Your jobs
        </h2>
        <Show when={jobs()} fallback={<Skeleton height="160px" />}>
          {(list) => (
            <Show
              when={list().length > 0}
              fallback={
                <div class="card">
                  <EmptyState icon="activity" title="No jobs yet" headingLevel={3}>
                    When you start an import or an export, its progress appears here.
                  </EmptyState>
                </div>
              }
            >
              <InfiniteList items={list()} hasMore={cursor() !== null} loadMore={() => load(cursor())} label="Your jobs">
                {(job) => <JobCard job={job} />}
              </InfiniteList>
            </Show>
          )}
        </Show>
      </section>
    </div>
  )
}

export default function Jobs() {
  return (
    <>
      <PageMeta title="Jobs" description="Imports, exports and other long tasks, with live progress." noindex />
      <div class="page-header">
        <div>
          <h1>Jobs</h1>
          <p>Imports, exports and reports you started, with live progress.</p>
        </div>
        <Show when={currentUser()?.role === 'admin'}>
          <ButtonLink href="/admin/jobs">
            <Icon name="shield" /> All jobs and queues
          </ButtonLink>
        </Show>
      </div>
      <SignedIn>
        <MyJobs />
      </SignedIn>
    </>
  )
}
