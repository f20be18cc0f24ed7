import { createSignal, For, Show } from 'solid-js'
import { DISPUTE_OUTCOMES, type DisputeOutcome } from '../../../src/modules/disputes/status'
import { moneyInput, parseMoney } from '../lib/catalog'
import { fieldErrors } from '../lib/errors'
import { type Dispute, resolveDispute } from '../lib/orders'
import { disputeAmount } from './dispute-parts'
import { TextAreaField, TextField } from './field'
import { FormAlert, SubmitButton } from './form'
import { toast } from './toast'

const OUTCOME_CHOICE: Record<DisputeOutcome, { name: string; hint: (d: Dispute) => string }> = {
  release: { name: 'Release to the shop', hint: (d) => `All ${disputeAmount(d)} to the shop, less its commission.` },
  refund: { name: 'Refund the buyer', hint: (d) => `All ${disputeAmount(d)} back to the buyer, the way they paid.` },
  split: { name: 'Split', hint: () => 'Part to the shop (less its commission), the rest refunded to the buyer.' },
}

/**
 * An admin decides an open dispute: the outcome, for a split the shop's part (typed as money,
 * sent in minor units; the rest is shown as refunded), and the written decision both sides read.
 * The server's errors show beside their fields; the resolved dispute goes to `onResolved`.
 */
export function ResolveForm(props: { dispute: Dispute; onResolved: (dispute: Dispute) => void }) {
  const [outcome, setOutcome] = createSignal<DisputeOutcome>('release')
  const [toShop, setToShop] = createSignal('')
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  const d = () => props.dispute
  const toShopMinor = () => parseMoney(toShop())
  /** The shop's part as typed, when it is an amount within what is held. */
  const part = () => {
    const minor = toShopMinor()
    return minor !== undefined && minor <= d().amountMinor ? minor : undefined
  }
  const partProblem = () => {
    if (toShop().trim() === '') return undefined
    if (toShopMinor() === undefined) return 'Enter an amount, like 150 or 150.50'
    return part() === undefined ? `At most ${disputeAmount(d())}, what is held` : undefined
  }
  const [checked, setChecked] = createSignal(false)

  return (
    <form
      class="stack"
      aria-label="Resolve the dispute"
      novalidate
      onSubmit={async (e) => {
        e.preventDefault()
        const form = e.currentTarget
        setChecked(true)
        const split = outcome() === 'split'
        if (split && part() === undefined) return
        setPending(true)
        setError(null)
        try {
          const decision = String(new FormData(form).get('decision') ?? '').trim()
          const resolved = await resolveDispute(d().id, { outcome: outcome(), decision, ...(split ? { toShopMinor: part()! } : {}) })
          toast('The dispute is resolved. Both sides are told, and the money has moved.', 'success')
          props.onResolved(resolved)
        } catch (caught) {
          setError(caught)
        } finally {
          setPending(false)
        }
      }}
    >
      <FormAlert error={error()} fields={['outcome', 'toShopMinor', 'decision']} />
      <fieldset class="checkout-choices">
        <legend>Outcome</legend>
        <For each={DISPUTE_OUTCOMES}>
          {(name) => (
            <label class="check checkout-choice">
              <input type="radio" name="outcome" value={name} checked={outcome() === name} onChange={() => setOutcome(name)} />
              <span>
                <strong>{OUTCOME_CHOICE[name].name}</strong>
                <span class="muted"> {OUTCOME_CHOICE[name].hint(d())}</span>
              </span>
            </label>
          )}
        </For>
      </fieldset>
      <Show when={outcome() === 'split'}>
        <TextField
          label={`The shop’s part (${d().currency})`}
          name="toShop"
          inputMode="decimal"
          autocomplete="off"
          placeholder={moneyInput(Math.floor(d().amountMinor / 2))}
          value={toShop()}
          onInput={(e) => setToShop(e.currentTarget.value)}
          hint={`Of ${disputeAmount(d())} held`}
          error={partProblem() ?? (checked() && toShop().trim() === '' ? 'Enter the shop’s part' : undefined) ?? fieldErrors(error()).toShopMinor}
        />
        <Show when={part() !== undefined}>
          <p>
            Refunded to the buyer: <strong data-testid="split-refund">{disputeAmount(d(), d().amountMinor - (part() ?? 0))}</strong>
          </p>
        </Show>
      </Show>
      <TextAreaField label="Decision" name="decision" required minLength={3} maxLength={2000} rows={4} hint="The buyer and the shop read it." error={fieldErrors(error()).decision} />
      <div class="row row--end">
        <SubmitButton pending={pending()} pendingLabel="Resolving…">
          Resolve the dispute
        </SubmitButton>
      </div>
    </form>
  )
}
