import { createSignal, Index, onMount, Show } from 'solid-js'
import { Button, ButtonLink } from '../../components/button'
import { EmptyState, Loading } from '../../components/feedback'
import { SelectField, TextField } from '../../components/field'
import { FormAlert, SubmitButton } from '../../components/form'
import { Icon } from '../../components/icons'
import { toast, toastError } from '../../components/toast'
import { VendorGate } from '../../components/vendor-gate'
import { CURRENCIES, moneyInput, parseMoney } from '../../lib/catalog'
import { fieldErrors } from '../../lib/errors'
import { PageMeta } from '../../lib/head'
import { getMyShippingOptions, saveMyShippingOptions, type ShippingOptionsBody } from '../../lib/orders'

/** One option as typed: text until it is saved, so a half-typed amount stays as it is. */
interface Draft {
  name: string
  price: string
  freeAbove: string
  handlingDays: string
  pickup: boolean
}

const OPTION_FIELDS = ['name', 'priceMinor', 'freeAboveMinor', 'handlingDays', 'pickup'] as const
const AMOUNT = 'must be an amount, like 25 or 25.50'

const draftOf = (option: Awaited<ReturnType<typeof getMyShippingOptions>>[number]): Draft => ({
  name: option.name,
  price: moneyInput(option.priceMinor),
  freeAbove: option.freeAboveMinor === null ? '' : moneyInput(option.freeAboveMinor),
  handlingDays: String(option.handlingDays),
  pickup: option.pickup,
})

const blank = (): Draft => ({ name: '', price: '', freeAbove: '', handlingDays: '1', pickup: false })

/** The drafts as the request body; what is not a number is sent as -1, so the server names the field. */
function bodyOf(currency: string, drafts: Draft[]): ShippingOptionsBody {
  return {
    currency,
    options: drafts.map((d) => ({
      name: d.name.trim(),
      priceMinor: parseMoney(d.price) ?? -1,
      freeAboveMinor: d.freeAbove.trim() === '' ? null : (parseMoney(d.freeAbove) ?? -1),
      handlingDays: /^\d+$/.test(d.handlingDays.trim()) ? Number(d.handlingDays) : -1,
      pickup: d.pickup,
    })),
  }
}

/**
 * My shop's delivery options, edited as a list and saved at once (PUT replaces them, in this
 * order). A problem comes back naming `options.N.field` and is shown beside that input.
 */
function ShippingEditor() {
  // A plain signal, not a store: solid-js/store in this lazy chunk makes the bundler split shared
  // modules out of the entry chunk (a heavier entry). Rows are shown with <Index>, so replacing
  // one draft updates its inputs in place.
  const [drafts, setDrafts] = createSignal<Draft[]>([])
  const [currency, setCurrency] = createSignal(CURRENCIES[0]!)
  const [loaded, setLoaded] = createSignal(false)
  const [pending, setPending] = createSignal(false)
  const [error, setError] = createSignal<unknown>(null)

  const show = (options: Awaited<ReturnType<typeof getMyShippingOptions>>) => {
    setDrafts(options.map(draftOf))
    if (options[0] !== undefined) setCurrency(options[0].currency)
  }
  onMount(async () => {
    try {
      show(await getMyShippingOptions())
      setLoaded(true)
    } catch (caught) {
      toastError(caught, 'Could not load your delivery options')
    }
  })

  const edit = (i: number, change: Partial<Draft>) => setDrafts((list) => list.map((d, j) => (j === i ? { ...d, ...change } : d)))
  // Problems name options by their place when saved: once the list changes shape they point elsewhere.
  const reshape = (change: (list: Draft[]) => Draft[]) => {
    setError(null)
    setDrafts(change)
  }
  const move = (from: number, to: number) =>
    reshape((list) => {
      const next = [...list]
      const [moved] = next.splice(from, 1)
      next.splice(to, 0, moved!)
      return next
    })

  const errors = () => fieldErrors(error())
  /** The problem of one field of option `i`; an amount the server could not read says what to type. */
  const problem = (i: number, field: (typeof OPTION_FIELDS)[number], typed?: string) => {
    const message = errors()[`options.${i}.${field}`]
    return message !== undefined && typed !== undefined && parseMoney(typed) === undefined ? AMOUNT : message
  }

  const save = async () => {
    setPending(true)
    setError(null)
    try {
      show(await saveMyShippingOptions(bodyOf(currency(), drafts())))
      toast('Delivery options saved.', 'success')
    } catch (caught) {
      setError(caught)
    } finally {
      setPending(false)
    }
  }

  return (
    <Show when={loaded()} fallback={<Loading label="Loading your delivery options" rows={1} height="160px" />}>
      <form
        class="stack"
        aria-label="Delivery options"
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        <FormAlert error={error()} fields={['currency', ...drafts().flatMap((_, i) => OPTION_FIELDS.map((f) => `options.${i}.${f}`))]} />
        <div class="card card__body shipping-currency">
          <SelectField
            label="Currency"
            name="currency"
            value={currency()}
            hint="All options are priced in it; buyers pay shipping in the currency of your products."
            error={errors().currency}
            options={CURRENCIES.map((c) => ({ value: c, label: c }))}
            onChange={(e) => setCurrency(e.currentTarget.value)}
          />
        </div>
        <Show
          when={drafts().length > 0}
          fallback={
            <div class="card">
              <EmptyState icon="store" title="No delivery options" headingLevel={3}>
                Buyers cannot check out from your shop until it has at least one.
              </EmptyState>
            </div>
          }
        >
          <ol class="shipping-options">
            <Index each={drafts()}>
              {(draft, i) => {
                const label = () => draft().name.trim() || `option ${i + 1}`
                return (
                  <li>
                    <fieldset class="card card__body stack shipping-option">
                      <legend class="visually-hidden">Option {i + 1}</legend>
                      <div class="row row--between">
                        <strong aria-hidden="true">Option {i + 1}</strong>
                        <div class="row">
                          <Button size="sm" variant="ghost" aria-label={`Move ${label()} up`} disabled={i === 0} onClick={() => move(i, i - 1)}>
                            <Icon name="arrowUp" />
                          </Button>
                          <Button size="sm" variant="ghost" aria-label={`Move ${label()} down`} disabled={i === drafts().length - 1} onClick={() => move(i, i + 1)}>
                            <Icon name="arrowDown" />
                          </Button>
                          <Button size="sm" variant="ghost" aria-label={`Remove ${label()}`} onClick={() => reshape((list) => list.filter((_, j) => j !== i))}>
                            <Icon name="trash" />
                          </Button>
                        </div>
                      </div>
                      <div class="grid grid--2">
                        <TextField label="Name" required maxLength={60} placeholder="Standard delivery" value={draft().name} error={problem(i, 'name')} onInput={(e) => edit(i, { name: e.currentTarget.value })} />
                        <TextField
                          label={`Price (${currency()})`}
                          inputmode="decimal"
                          required
                          value={draft().price}
                          error={problem(i, 'priceMinor', draft().price)}
                          onInput={(e) => edit(i, { price: e.currentTarget.value })}
                        />
                        <TextField
                          label={`Free above (${currency()})`}
                          inputmode="decimal"
                          value={draft().freeAbove}
                          hint="Free when the order’s items reach this; blank: never."
                          error={problem(i, 'freeAboveMinor', draft().freeAbove)}
                          onInput={(e) => edit(i, { freeAbove: e.currentTarget.value })}
                        />
                        <TextField
                          label="Handling days"
                          type="number"
                          min="0"
                          max="60"
                          required
                          value={draft().handlingDays}
                          hint="Days you take before handing it over."
                          error={problem(i, 'handlingDays')}
                          onInput={(e) => edit(i, { handlingDays: e.currentTarget.value })}
                        />
                      </div>
                      <label class="check">
                        <input type="checkbox" checked={draft().pickup} onChange={(e) => edit(i, { pickup: e.currentTarget.checked })} />
                        <span>
                          <strong>Pickup</strong>
                          <span class="muted">The buyer collects it from your shop.</span>
                        </span>
                      </label>
                    </fieldset>
                  </li>
                )
              }}
            </Index>
          </ol>
        </Show>
        <div class="row row--between">
          <Button onClick={() => reshape((list) => [...list, blank()])}>
            <Icon name="plus" /> Add an option
          </Button>
          <SubmitButton pending={pending()} pendingLabel="Saving…">
            Save delivery options
          </SubmitButton>
        </div>
      </form>
    </Show>
  )
}

/** The vendor's delivery options: what buyers choose from at checkout, per shop. */
export default function Shipping() {
  return (
    <>
      <PageMeta title="Delivery options" description="How your shop delivers." noindex />
      <VendorGate>
        {() => (
          <>
            <div class="page-header">
              <div>
                <h1>Delivery options</h1>
                <p>What buyers choose from at checkout: a price, when it is free, how long you take, or pickup at your shop.</p>
              </div>
              <ButtonLink href="/dashboard">Back to dashboard</ButtonLink>
            </div>
            <ShippingEditor />
          </>
        )}
      </VendorGate>
    </>
  )
}
