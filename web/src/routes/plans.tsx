import { createAsync } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { ButtonLink } from '../components/button'
import { IntervalToggle, PlanTable } from '../components/plan-parts'
import { PageMeta } from '../lib/head'
import { getPlans, type PlanInterval } from '../lib/plans'

/** The plans shops may choose, compared side by side (rendered on the server with its data). */
export default function Plans() {
  const plans = createAsync(() => getPlans())
  const [interval, setBilling] = createSignal<PlanInterval>('month')
  return (
    <>
      <PageMeta title="Plans for shops" description="Compare Souk’s plans for shops: listings on sale, boosts, featured listings, commission, priority support and a storefront badge." />
      <div class="page-header">
        <div>
          <h1>Plans for shops</h1>
          <p>Every shop starts on the free plan. A paid plan is paid from your Souk wallet, monthly or yearly, and can be changed or cancelled from your dashboard.</p>
        </div>
        <IntervalToggle value={interval()} onChange={setBilling} />
      </div>
      <Show when={plans()}>
        {(list) => (
          <section class="card card__body stack">
            <PlanTable
              plans={list()}
              interval={interval()}
              action={(plan) =>
                plan.isFree ? (
                  <ButtonLink href="/sell">Open your shop</ButtonLink>
                ) : (
                  <ButtonLink variant="primary" href={`/dashboard/plan?plan=${plan.id}&interval=${interval()}`}>
                    Choose {plan.name}
                  </ButtonLink>
                )
              }
            />
            <p class="muted">
              Upgrading takes effect at once, and the unused part of your current plan is taken off the price. Moving to a cheaper plan or cancelling takes effect when the period you paid for ends.
            </p>
          </section>
        )}
      </Show>
    </>
  )
}
