import { createAsync } from '@solidjs/router'
import { createSignal, For, onMount, Show } from 'solid-js'
import { Button } from '../../components/button'
import { Skeleton } from '../../components/feedback'
import { TextField } from '../../components/field'
import { Icon } from '../../components/icons'
import { toast, toastError } from '../../components/toast'
import { type CategoryNode, getCategories } from '../../lib/catalog'
import { ApiError, fieldErrors } from '../../lib/errors'
import { getTaxRates, parsePercent, ratePercent, ratePercentInput, setCategoryTaxRate, setDefaultTaxRate, type TaxRates } from '../../lib/orders'

const PERCENT = 'must be a percentage from 0 to 100, with up to 2 decimals'

/** The problem of a rate the server refused: a bad `rateBp` (unreadable, or out of range) says what to type. */
function rateProblem(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined
  return fieldErrors(error).rateBp === undefined ? error.message : PERCENT
}

/** The rate a category's products are taxed at: its own, else its nearest ancestor's, else the default. */
function effectiveRate(tree: CategoryNode[], own: Map<string, number>, fallback: number, id: string): number {
  const byId = new Map(tree.map((c) => [c.id, c]))
  for (let c = byId.get(id); c !== undefined; c = c.parentId === null ? undefined : byId.get(c.parentId)) {
    const rate = own.get(c.id)
    if (rate !== undefined) return rate
  }
  return fallback
}

/** A percentage input and its Save button; blank is `null` where `allowBlank` (inherit). */
function RateForm(props: { label: string; value: number | null; placeholder?: string; allowBlank?: boolean; onSave: (rateBp: number | null) => Promise<void> }) {
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  return (
    <form
      class="row tax-rate-form"
      onSubmit={async (e) => {
        e.preventDefault()
        const text = String(new FormData(e.currentTarget).get('rate') ?? '').trim()
        setError(null)
        setPending(true)
        try {
          // What is not a percentage is sent as -1, so the server names the field.
          await props.onSave(text === '' && props.allowBlank === true ? null : (parsePercent(text) ?? -1))
        } catch (caught) {
          setError(caught)
          if (!(caught instanceof ApiError)) toastError(caught, 'Could not save the rate')
        } finally {
          setPending(false)
        }
      }}
    >
      <TextField
        label={props.label}
        name="rate"
        inputmode="decimal"
        required={props.allowBlank !== true}
        value={props.value === null ? '' : ratePercentInput(props.value)}
        placeholder={props.placeholder}
        error={rateProblem(error())}
      />
      <span class="tax-rate-form__unit" aria-hidden="true">
        %
      </span>
      <Button type="submit" size="sm" disabled={pending()} aria-label={`Save ${props.label}`}>
        <Icon name="check" /> Save
      </Button>
    </form>
  )
}

/**
 * TVA rates on the admin's category screen: the platform default and each category's own rate
 * (blank: it inherits its parent's, or the default). Shown and typed in percent; stored in basis points.
 */
export default function TaxRatesEditor() {
  const tree = createAsync(() => getCategories())
  const [rates, setRates] = createSignal<TaxRates | null>(null)
  onMount(async () => {
    try {
      setRates(await getTaxRates())
    } catch (error) {
      toastError(error, 'Could not load the TVA rates')
    }
  })
  const own = () => new Map((rates()?.categories ?? []).map((c) => [c.categoryId, c.rateBp]))

  const saveDefault = async (rateBp: number | null) => {
    setRates(await setDefaultTaxRate(rateBp ?? -1))
    toast(`The default TVA rate is ${ratePercent(rateBp ?? 0)}.`, 'success')
  }
  const saveCategory = (category: CategoryNode) => async (rateBp: number | null) => {
    setRates(await setCategoryTaxRate(category.id, rateBp))
    toast(rateBp === null ? `${category.name} inherits its TVA rate.` : `${category.name} is taxed at ${ratePercent(rateBp)}.`, 'success')
  }

  return (
    <section class="stack tax-rates" aria-labelledby="tva-heading">
      <div>
        <h3 id="tva-heading">TVA rates</h3>
        <p class="muted">Prices include TVA. A category without its own rate uses its parent’s, and the top level uses the default.</p>
      </div>
      <Show when={rates()} fallback={<Skeleton height="120px" />}>
        {(r) => (
          <>
            <RateForm label="Default TVA rate" value={r().defaultRateBp} onSave={saveDefault} />
            <ul class="admin-list" aria-label="TVA rate per category">
              <For each={tree()}>
                {(c) => (
                  <li class="admin-row tax-rate-row" style={{ 'padding-left': `${12 + c.depth * 24}px` }}>
                    <div class="admin-row__main">
                      <strong>{c.name}</strong>{' '}
                      <span class="muted">
                        {own().has(c.id) ? 'own rate' : `inherits ${ratePercent(effectiveRate(tree() ?? [], own(), r().defaultRateBp, c.id))}`}
                      </span>
                    </div>
                    <RateForm
                      label={`TVA rate of ${c.name}`}
                      value={own().get(c.id) ?? null}
                      placeholder="inherit"
                      allowBlank
                      onSave={saveCategory(c)}
                    />
                  </li>
                )}
              </For>
            </ul>
          </>
        )}
      </Show>
    </section>
  )
}
