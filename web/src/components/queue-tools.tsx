import { createSignal, For, type JSX, Show } from 'solid-js'
import type { BulkOutcome } from '../../../src/lib/admin-queues'
import { Button } from './button'
import { FilterButtons } from './finance-parts'
import { toast, toastError } from './toast'

// What every admin queue screen shares (issue #20): the age filter, and bulk actions over the rows
// an admin ticks. A bulk action is the server's one-item action applied to each item in turn
// (BulkOutcome); the screen says how many were done and why the others were not.

/** The age filter's choices, in hours waited at least (`minAgeHours` of every queue list). */
export const QUEUE_AGES = ['24', '72', '168'] as const
export type QueueAge = (typeof QUEUE_AGES)[number]
const AGE_LABEL: Record<QueueAge, string> = { '24': '1 day or more', '72': '3 days or more', '168': 'A week or more' }

/** The query part of an age choice. */
export const ageQuery = (age: QueueAge | undefined): { minAgeHours?: number } => (age === undefined ? {} : { minAgeHours: Number(age) })

export function AgeFilter(props: { label?: string; value: QueueAge | undefined; onChange: (value: QueueAge | undefined) => void }) {
  return <FilterButtons label={props.label ?? 'Waiting'} options={QUEUE_AGES} labels={AGE_LABEL} value={props.value} all="Any time" onChange={props.onChange} />
}

/** The rows ticked on a queue screen, by id. */
export interface Selection {
  has: (id: string) => boolean
  set: (id: string, on: boolean) => void
  ids: () => string[]
  clear: () => void
}

export function createSelection(): Selection {
  const [ids, setIds] = createSignal<string[]>([])
  return {
    has: (id) => ids().includes(id),
    set: (id, on) => setIds((now) => (on ? (now.includes(id) ? now : [...now, id]) : now.filter((x) => x !== id))),
    ids,
    clear: () => setIds([]),
  }
}

/** A row's tick box; `label` names the row for screen readers ("Select report of Brass lantern"). */
export function SelectBox(props: { selection: Selection; id: string; label: string }) {
  return <input type="checkbox" class="select-box" aria-label={props.label} checked={props.selection.has(props.id)} onChange={(event) => props.selection.set(props.id, event.currentTarget.checked)} />
}

export interface BulkAction {
  label: string
  /** What the toast says was done to n items ("3 reports dismissed"). */
  done: (n: number) => string
  variant?: 'primary' | 'danger'
  /** Runs the action on the ticked ids; the screen reloads after it. */
  run: (ids: string[]) => Promise<BulkOutcome>
}

/** Toasts how a bulk action went: how many were done (`done(n)`), and why the others were not. */
export function tellOutcome(outcome: BulkOutcome, done: (n: number) => string): void {
  if (outcome.done.length > 0) toast(done(outcome.done.length), 'success')
  if (outcome.failed.length > 0) toast(`${outcome.failed.length} could not be done: ${[...new Set(outcome.failed.map((f) => f.message))].join('; ')}`, 'error')
}

/**
 * Above a queue's rows: "select all shown", how many are ticked, and the bulk actions (greyed
 * while none is ticked, or while one runs). After an action the ticks clear and `onDone` reloads.
 * `children`: actions that ask something first (a reason), run by the screen with tellOutcome.
 */
export function BulkBar(props: { selection: Selection; shown: () => string[]; actions: BulkAction[]; onDone: () => void; children?: JSX.Element }) {
  const [running, setRunning] = createSignal(false)
  const allTicked = () => props.shown().length > 0 && props.shown().every((id) => props.selection.has(id))
  const run = async (action: BulkAction) => {
    setRunning(true)
    try {
      tellOutcome(await action.run(props.selection.ids()), action.done)
      props.selection.clear()
      props.onDone()
    } catch (error) {
      toastError(error, 'That did not work.')
    } finally {
      setRunning(false)
    }
  }
  return (
    <div class="row bulk-bar" role="group" aria-label="Bulk actions">
      <label class="row">
        <input type="checkbox" checked={allTicked()} disabled={props.shown().length === 0} onChange={(event) => props.shown().forEach((id) => props.selection.set(id, event.currentTarget.checked))} />
        Select all shown
      </label>
      <span class="muted" aria-live="polite">
        {props.selection.ids().length} selected
      </span>
      <For each={props.actions}>
        {(action) => (
          <Button size="sm" variant={action.variant} disabled={props.selection.ids().length === 0 || running()} onClick={() => void run(action)}>
            {action.label}
          </Button>
        )}
      </For>
      <Show when={props.children}>{props.children}</Show>
    </div>
  )
}
