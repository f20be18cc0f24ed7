import { For, type JSX, Show } from 'solid-js'
import { formatPrice } from '../lib/catalog'
import { INTERVAL_LABEL, limitText, percentOf, PER_INTERVAL, type Plan, type PlanInterval, priceOf } from '../lib/plans'
import { Badge } from './feedback'

const INTERVALS: PlanInterval[] = ['month', 'year']

/** Monthly or yearly prices. */
export function IntervalToggle(props: { value: PlanInterval; onChange: (value: PlanInterval) => void }) {
  return (
    <div class="segmented" role="group" aria-label="Billing">
      <For each={INTERVALS}>
        {(interval) => (
          <button type="button" class="segmented__item" aria-pressed={props.value === interval} onClick={() => props.onChange(interval)}>
            {INTERVAL_LABEL[interval]}
          </button>
        )}
      </For>
    </div>
  )
}

/** What each plan gives, one feature a row and one plan a column; `action` fills the last row (a link or a button per plan). */
export function PlanTable(props: { plans: Plan[]; interval: PlanInterval; action?: (plan: Plan) => JSX.Element }) {
  const row = (label: string, cell: (plan: Plan) => JSX.Element, hidden = false) => (
    <tr>
      <th scope="row">{hidden ? <span class="visually-hidden">{label}</span> : label}</th>
      <For each={props.plans}>{(plan) => <td>{cell(plan)}</td>}</For>
    </tr>
  )
  return (
    <div class="table-scroll">
      <table class="data-table" aria-label="Plans compared">
        <thead>
          <tr>
            <th scope="col">
              <span class="visually-hidden">Feature</span>
            </th>
            <For each={props.plans}>
              {(plan) => (
                <th scope="col">
                  {plan.name}
                  <Show when={plan.isFree}>
                    {' '}
                    <Badge>Default</Badge>
                  </Show>
                </th>
              )}
            </For>
          </tr>
        </thead>
        <tbody>
          {row('Price', (plan) => (
            <>
              <strong>{plan.isFree ? 'Free' : formatPrice(priceOf(plan, props.interval), plan.currency)}</strong>
              <Show when={!plan.isFree}>
                <span class="muted"> {PER_INTERVAL[props.interval]}</span>
              </Show>
              <Show when={props.interval === 'year' && plan.yearlySavingPercent > 0}>
                {' '}
                <Badge tone="success">Save {plan.yearlySavingPercent} %</Badge>
              </Show>
            </>
          ))}
          {row('Listings on sale at once', (plan) => limitText(plan.maxActiveListings))}
          {row('Boost credits a month', (plan) => String(plan.boostCreditsPerMonth))}
          {row('Featured listings at once', (plan) => String(plan.featuredSlots))}
          {row('Commission on sales', (plan) => percentOf(plan.effectiveCommissionBp))}
          {row('Priority support', (plan) => (plan.prioritySupport ? 'Yes' : 'No'))}
          {row('Storefront badge', (plan) => (plan.badge === null ? '—' : <Badge tone="primary">{plan.badge}</Badge>))}
          <Show when={props.action}>{(action) => row('Choose', (plan) => action()(plan), true)}</Show>
        </tbody>
      </table>
    </div>
  )
}
