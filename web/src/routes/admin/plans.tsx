import { createResource, createSignal, For, Show } from 'solid-js'
import { SignedIn } from '../../components/auth-gate'
import { Button, ButtonLink } from '../../components/button'
import { createRequestState } from '../../components/confirm-dialog'
import { Badge, Callout, Skeleton } from '../../components/feedback'
import { TextField } from '../../components/field'
import { FormAlert, SubmitButton } from '../../components/form'
import { Icon } from '../../components/icons'
import { toast, toastError } from '../../components/toast'
import { formatPrice, moneyInput, parseMoney } from '../../lib/catalog'
import { fieldErrors } from '../../lib/errors'
import { PageMeta } from '../../lib/head'
import { type AdminPlan, createPlan, limitText, listAdminPlans, percentOf, updatePlan } from '../../lib/plans'

const FIELDS = ['name', 'monthlyPriceMinor', 'yearlyPriceMinor', 'maxActiveListings', 'boostCreditsPerMonth', 'featuredSlots', 'commissionBp', 'badge', 'position'] as const

/** Basis points from a percentage as typed ("2", "2.5"); undefined when it is not one. */
function parsePercent(text: string): number | undefined {
  const plain = text.trim().replace(',', '.')
  return /^\d{1,3}(\.\d{1,2})?$/.test(plain) ? Math.round(Number(plain) * 100) : undefined
}

/** A whole number as typed; -1 when it is not one, so the server names the field. */
const wholeNumber = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : -1)

/** A new plan, or an edit of `plan`: prices, perks, badge and place in the comparison. */
function PlanForm(props: { plan: AdminPlan | null; onSaved: (plan: AdminPlan) => void; onCancel: () => void }) {
  const request = createRequestState()
  const errors = () => fieldErrors(request.error())
  const p = () => props.plan
  const free = () => p()?.isFree === true
  const submit = async (form: HTMLFormElement) => {
    const data = new FormData(form)
    const text = (name: string) => String(data.get(name) ?? '').trim()
    // What cannot be read is sent as -1: the server names the field.
    const body = {
      name: text('name'),
      monthlyPriceMinor: free() ? 0 : (parseMoney(text('monthlyPrice')) ?? -1),
      yearlyPriceMinor: free() ? 0 : (parseMoney(text('yearlyPrice')) ?? -1),
      maxActiveListings: text('maxActiveListings') === '' ? null : wholeNumber(text('maxActiveListings')),
      boostCreditsPerMonth: wholeNumber(text('boostCreditsPerMonth')),
      featuredSlots: wholeNumber(text('featuredSlots')),
      commissionBp: text('commission') === '' ? null : (parsePercent(text('commission')) ?? -1),
      prioritySupport: data.get('prioritySupport') !== null,
      badge: text('badge') === '' ? null : text('badge'),
      position: wholeNumber(text('position')),
    }
    await request.run(async () => {
      const saved = p() === null ? await createPlan(body) : await updatePlan(p()!.id, free() ? { ...body, monthlyPriceMinor: undefined, yearlyPriceMinor: undefined } : body)
      toast(p() === null ? `${saved.name} is offered to shops.` : `${saved.name} saved. Subscribers keep their terms until their next period.`, 'success')
      props.onSaved(saved)
    })
  }
  return (
    <form
      class="card card__body stack"
      aria-label={p() === null ? 'New plan' : `Edit ${p()!.name}`}
      onSubmit={(e) => {
        e.preventDefault()
        void submit(e.currentTarget)
      }}
    >
      <h2 class="section-title">{p() === null ? 'New plan' : `Edit ${p()!.name}`}</h2>
      <Show when={free()}>
        <Callout tone="info">
          <p>The free plan is every shop’s without a subscription: changes apply to them at once (a lower listing limit at their next listing put on sale; listings on sale stay).</p>
        </Callout>
      </Show>
      <Show when={p() !== null && !free()}>
        <p class="muted">Shops on this plan keep the terms they paid for until their next period.</p>
      </Show>
      <FormAlert error={request.error()} fields={FIELDS} />
      <div style={{ display: 'grid', gap: '12px', 'grid-template-columns': 'repeat(auto-fit, minmax(min(100%, 220px), 1fr))' }}>
        <TextField label="Name" name="name" required value={p()?.name ?? ''} error={errors().name} />
        <Show when={!free()}>
          <TextField label={`Monthly price (${p()?.currency ?? 'MAD'})`} name="monthlyPrice" inputmode="decimal" required value={p() === null ? '' : moneyInput(p()!.monthlyPriceMinor)} error={errors().monthlyPriceMinor} />
          <TextField
            label={`Yearly price (${p()?.currency ?? 'MAD'})`}
            name="yearlyPrice"
            inputmode="decimal"
            required
            hint="At most twelve monthly prices: the difference is the yearly discount"
            value={p() === null ? '' : moneyInput(p()!.yearlyPriceMinor)}
            error={errors().yearlyPriceMinor}
          />
        </Show>
        <TextField label="Listings on sale at once" name="maxActiveListings" inputmode="numeric" hint="Blank: no limit" value={p()?.maxActiveListings?.toString() ?? ''} error={errors().maxActiveListings} />
        <TextField label="Boost credits a month" name="boostCreditsPerMonth" inputmode="numeric" required value={String(p()?.boostCreditsPerMonth ?? 0)} error={errors().boostCreditsPerMonth} />
        <TextField label="Featured listings at once" name="featuredSlots" inputmode="numeric" required value={String(p()?.featuredSlots ?? 0)} error={errors().featuredSlots} />
        <TextField
          label="Commission (%)"
          name="commission"
          inputmode="decimal"
          hint="Blank: the platform’s"
          value={p()?.commissionBp == null ? '' : String(p()!.commissionBp! / 100)}
          error={errors().commissionBp}
        />
        <TextField label="Storefront badge" name="badge" maxLength={24} hint="Blank: none" value={p()?.badge ?? ''} error={errors().badge} />
        <TextField label="Place in the comparison" name="position" inputmode="numeric" required value={String(p()?.position ?? 0)} error={errors().position} />
      </div>
      <label class="check">
        <input type="checkbox" name="prioritySupport" checked={p()?.prioritySupport ?? false} /> Priority support
      </label>
      <div class="row row--end">
        <Button variant="ghost" onClick={() => props.onCancel()}>
          Cancel
        </Button>
        <SubmitButton pending={request.pending()} pendingLabel="Saving…">
          {p() === null ? 'Offer plan' : 'Save plan'}
        </SubmitButton>
      </div>
    </form>
  )
}

function PlanRow(props: { plan: AdminPlan; onEdit: () => void; onChanged: (plan: AdminPlan) => void }) {
  const p = () => props.plan
  const [pending, setPending] = createSignal(false)
  const toggle = async () => {
    setPending(true)
    try {
      const saved = await updatePlan(p().id, { retired: !p().retired })
      toast(saved.retired ? `${saved.name} is retired: no new subscribers.` : `${saved.name} is offered again.`, 'success')
      props.onChanged(saved)
    } catch (error) {
      toastError(error, 'Could not change the plan')
    } finally {
      setPending(false)
    }
  }
  return (
    <tr>
      <th scope="row">
        {p().name}{' '}
        <Show when={p().isFree}>
          <Badge>Free</Badge>
        </Show>
        <Show when={p().retired}>
          <Badge tone="warning">Retired</Badge>
        </Show>
      </th>
      <td class="num">{p().isFree ? '—' : `${formatPrice(p().monthlyPriceMinor, p().currency)} / ${formatPrice(p().yearlyPriceMinor, p().currency)}`}</td>
      <td class="num">{limitText(p().maxActiveListings)}</td>
      <td class="num">{p().boostCreditsPerMonth}</td>
      <td class="num">{p().featuredSlots}</td>
      <td class="num">{p().commissionBp === null ? `Platform (${percentOf(p().effectiveCommissionBp)})` : percentOf(p().commissionBp!)}</td>
      <td>{p().badge ?? '—'}</td>
      <td class="num" data-testid={`subscribers-${p().id}`}>{p().subscribers}</td>
      <td>
        <div class="row">
          <Button size="sm" onClick={() => props.onEdit()} aria-label={`Edit ${p().name}`}>
            Edit
          </Button>
          <Show when={!p().isFree}>
            <Button size="sm" variant="ghost" disabled={pending()} onClick={() => void toggle()}>
              {p().retired ? 'Offer again' : 'Retire'}
            </Button>
          </Show>
        </div>
      </td>
    </tr>
  )
}

/** The plans admins offer shops: prices, perks, how many shops are on each; new, edit, retire. */
function PlansAdmin() {
  const [plans, { mutate }] = createResource(() =>
    listAdminPlans().catch((error: unknown) => {
      toastError(error, 'Could not load the plans')
      return []
    }),
  )
  // null: no form; 'new'; or the plan being edited.
  const [editing, setEditing] = createSignal<AdminPlan | 'new' | null>(null)
  const replace = (saved: AdminPlan) => mutate((list) => (list?.some((p) => p.id === saved.id) ? list.map((p) => (p.id === saved.id ? saved : p)) : [...(list ?? []), saved]))
  return (
    <div class="stack">
      <div class="row row--end">
        <Button variant="primary" onClick={() => setEditing('new')}>
          <Icon name="plus" /> New plan
        </Button>
      </div>
      <Show when={editing()} keyed>
        {(form) => (
          <PlanForm
            plan={form === 'new' ? null : form}
            onCancel={() => setEditing(null)}
            onSaved={(saved) => {
              replace(saved)
              setEditing(null)
            }}
          />
        )}
      </Show>
      <section class="card card__body" aria-label="Plans">
        <Show when={plans()} fallback={<Skeleton height="160px" />}>
          {(list) => (
            <div class="table-scroll">
              <table class="data-table">
                <caption class="visually-hidden">Plans</caption>
                <thead>
                  <tr>
                    <th scope="col">Plan</th>
                    <th scope="col" class="num">Month / year</th>
                    <th scope="col" class="num">Listings</th>
                    <th scope="col" class="num">Boosts a month</th>
                    <th scope="col" class="num">Featured</th>
                    <th scope="col" class="num">Commission</th>
                    <th scope="col">Badge</th>
                    <th scope="col" class="num">Shops</th>
                    <th scope="col">Change</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>{(plan) => <PlanRow plan={plan} onEdit={() => setEditing(plan)} onChanged={replace} />}</For>
                </tbody>
              </table>
            </div>
          )}
        </Show>
      </section>
    </div>
  )
}

export default function AdminPlans() {
  return (
    <>
      <PageMeta title="Plans · Admin" description="The plans Souk offers shops." noindex />
      <div class="page-header">
        <div>
          <h1>Plans</h1>
          <p>What shops may subscribe to. An edit applies to subscribers from their next period; a retired plan takes no new subscribers.</p>
        </div>
        <ButtonLink href="/plans">
          <Icon name="star" /> Public comparison
        </ButtonLink>
      </div>
      <SignedIn role="admin">
        <PlansAdmin />
      </SignedIn>
    </>
  )
}
