import { createSignal, Show } from 'solid-js'
import type { JobSnapshot } from '../../../src/modules/jobs/snapshot'
import { Button } from './button'
import { Icon } from './icons'
import { JobCard } from './job-card'
import { toastError } from './toast'

/**
 * "Export CSV" for a list: starts its export job with the list's filters of the moment and shows
 * the job's card (live progress, then the download) under the button.
 */
export function ExportJob(props: { start: () => Promise<JobSnapshot> }) {
  const [job, setJob] = createSignal<JobSnapshot | null>(null)
  const start = async () => {
    try {
      setJob(await props.start())
    } catch (error) {
      toastError(error, 'Could not start the export')
    }
  }
  return (
    <>
      <Button size="sm" onClick={() => void start()}>
        <Icon name="arrowDown" /> Export CSV
      </Button>
      <Show when={job()} keyed>
        {(started) => (
          <div class="export-job">
            <JobCard job={started} />
          </div>
        )}
      </Show>
    </>
  )
}
