import { createSignal, For, Show } from 'solid-js'
import type { PaymentsModel } from '../../../src/modules/payments/model'
import { PROVIDER_EVENT_STATES } from '../../../src/modules/payments/status'
import { api, must } from '../lib/api'
import { timeAgo } from '../lib/format'
import { Badge, EmptyState, Listed, Loading } from './feedback'
import { createCursorPages, EVENT_STATE_LABEL, EVENT_STATE_TONE, FilterButtons, LoadMore, utcMinute } from './finance-parts'

type State = PaymentsModel.ProviderEventState
type ProviderEvent = PaymentsModel.ProviderEvent

const listEvents = async (query: { state?: State; cursor?: string; limit: number }) => must(await api().api.v1.admin['payment-events'].get({ query }))

function EventRow(props: { event: ProviderEvent }) {
  const e = () => props.event
  return (
    <li class="admin-row" aria-label={`${e().type} ${e().id}, ${EVENT_STATE_LABEL[e().state]}`}>
      <div class="admin-row__main">
        <div class="row row--between">
          <span>
            <strong>{e().type}</strong> <span class="muted">from {e().provider}</span>
          </span>
          <Badge tone={EVENT_STATE_TONE[e().state]}>{EVENT_STATE_LABEL[e().state]}</Badge>
        </div>
        <p class="muted">
          Event {e().id} · provider payment {e().providerRef} · {e().paymentId === null ? 'no Souk payment' : `Souk payment ${e().paymentId}`}
        </p>
        <Show when={e().note}>{(note) => <p class="admin-row__text">{note()}</p>}</Show>
        <p class="muted">
          Occurred {utcMinute(e().occurredAt)} · received {timeAgo(e().receivedAt)} · {e().processedAt === null ? 'not processed yet' : `processed ${timeAgo(e().processedAt!)}`}
        </p>
      </div>
    </li>
  )
}

/**
 * The payment provider's webhook events, newest first, and how each was processed: received (queued),
 * processed, waiting (it arrived before what it follows, e.g. a refund's), ignored (with why).
 */
export function FinanceEvents() {
  const [state, setState] = createSignal<State | undefined>(undefined)
  const pages = createCursorPages({
    query: () => (state() === undefined ? {} : { state: state() }),
    read: listEvents,
    pageSize: 30,
    failed: { load: 'Could not load the provider’s events', more: 'Could not load more events' },
  })
  return (
    <div class="stack">
      <FilterButtons label="Show events that are" options={PROVIDER_EVENT_STATES} labels={EVENT_STATE_LABEL} value={state()} all="All" onChange={setState} />
      <Listed
        items={pages.items()}
        loading={<Loading label="Loading the provider’s events" height="64px" />}
        empty={
          <EmptyState icon="activity" title="No events" headingLevel={3}>
            {state() === undefined ? 'Events the payment provider sends to Souk’s webhook appear here.' : 'No event is in this state.'}
          </EmptyState>
        }
      >
        {(list) => (
          <ul class="admin-list" aria-label="Provider events">
            <For each={list()}>{(event) => <EventRow event={event} />}</For>
          </ul>
        )}
      </Listed>
      <LoadMore pages={pages} />
    </div>
  )
}
