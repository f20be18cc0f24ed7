import { type Accessor, createEffect, createSignal, Match, on, Show, Switch } from 'solid-js'
import { DISPUTE_REASONS } from '../../../src/modules/disputes/status'
import { requestDecision } from '../lib/disputes'
import { fieldErrors } from '../lib/errors'
import { type Dispute, getOrderDispute, openDispute, type Order, type OrderDispute } from '../lib/orders'
import { Button } from './button'
import { Dialog } from './dialog'
import { DISPUTE_REASON_LABEL, DisputeCase } from './dispute-parts'
import { SelectField, TextAreaField } from './field'
import { FormAlert, SubmitButton } from './form'
import { Icon } from './icons'
import { Section } from './order-detail'
import { toast, toastError } from './toast'

type Reason = Dispute['reason']

/** The buyer reports a problem: what went wrong (the server's reasons) and what happened. `onOpen` throws the server's error, shown inline. */
function OpenDisputeDialog(props: { open: boolean; onClose: () => void; onOpen: (reason: Reason, description: string) => Promise<unknown> }) {
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  const close = () => {
    setError(null)
    props.onClose()
  }
  return (
    <Dialog open={props.open} onClose={close} title="Report a problem">
      <form
        class="stack"
        onSubmit={async (e) => {
          e.preventDefault()
          const form = e.currentTarget
          const data = new FormData(form)
          setPending(true)
          setError(null)
          try {
            await props.onOpen(String(data.get('reason')) as Reason, String(data.get('description') ?? '').trim())
            form.reset()
            close()
          } catch (caught) {
            setError(caught)
          } finally {
            setPending(false)
          }
        }}
      >
        <p>Souk then holds your payment: the shop is not paid until Souk decides, after hearing the shop. You can add to what you write here later.</p>
        <FormAlert error={error()} fields={['reason', 'description']} />
        <SelectField label="What went wrong?" name="reason" options={DISPUTE_REASONS.map((value) => ({ value, label: DISPUTE_REASON_LABEL[value] }))} error={fieldErrors(error()).reason} />
        <TextAreaField label="What happened?" name="description" required minLength={3} maxLength={2000} rows={4} hint="The shop and Souk read this." error={fieldErrors(error()).description} />
        <div class="row row--end">
          <Button variant="ghost" onClick={close}>
            Cancel
          </Button>
          <SubmitButton variant="danger" pending={pending()} pendingLabel="Reporting…">
            Report the problem
          </SubmitButton>
        </div>
      </form>
    </Dialog>
  )
}

/**
 * The buyer's "Ask Souk to decide", shown only while the server allows it (the shop let its
 * deadline pass without a word); the dispute it answers is handed to `onAsked`.
 */
function AskDecision(props: { dispute: Dispute; onAsked: (dispute: Dispute) => void }) {
  const [pending, setPending] = createSignal(false)
  const ask = async () => {
    setPending(true)
    try {
      props.onAsked(await requestDecision(props.dispute.id))
      toast('Souk is asked to decide. You will be told of the decision.', 'success')
    } catch (error) {
      toastError(error, 'Could not ask for a decision')
    } finally {
      setPending(false)
    }
  }
  return (
    <Show when={props.dispute.actions.includes('request_decision')}>
      <div class="stack stack--tight">
        <p>The shop did not respond in time. You may ask Souk to decide now, on what you said.</p>
        <div>
          <Button variant="primary" onClick={() => void ask()} disabled={pending()} aria-busy={pending()}>
            Ask Souk to decide
          </Button>
        </div>
      </div>
    </Show>
  )
}

/**
 * An order's dispute on its buyer's (`side` buyer) or its shop's page: for the buyer of a paid
 * order whose payment is still held, "Report a problem"; once reported, the dispute — its status,
 * whom it waits on, what each side said, the form to add to it (the shop's first word is its
 * response) and, once decided, the decision with the amounts. Read again each time `news`
 * changes (the page bumps it on the order topic's events), so the other side's words and the
 * decision show without a reload.
 */
export function DisputePanel(props: { order: Order; side: 'buyer' | 'shop'; news: Accessor<number> }) {
  const [info, setInfo] = createSignal<OrderDispute | null>(null)
  const [reporting, setReporting] = createSignal(false)
  let reads = 0
  const load = async () => {
    const read = ++reads
    try {
      const fresh = await getOrderDispute(props.order.id)
      if (read === reads) setInfo(fresh)
    } catch (error) {
      if (read === reads) toastError(error, 'Could not load the dispute')
    }
  }
  /** A dispute a step answered, newer than any read still on its way. */
  const show = (dispute: Dispute) => {
    reads += 1
    setInfo({ dispute, canOpen: false })
  }
  // Either side quotes from the conversation of the order's buyer with its shop about its first product.
  const quoteFrom = () => {
    const first = props.order.items[0]
    return first === undefined ? undefined : { productId: first.productId, buyerId: props.order.buyer.id }
  }
  // Runs once mounted (effects do not run in a server render), then on each bump and each status of the order.
  createEffect(on([props.news, () => props.order.status], () => void load()))

  const report = async (reason: Reason, description: string) => {
    show(await openDispute(props.order.id, { reason, description }))
    toast('Problem reported. Your payment is held until Souk decides.', 'success')
  }

  return (
    <Show when={info()}>
      {(i) => (
        <Switch>
          <Match when={i().dispute}>
            {(dispute) => (
              <Section title="Dispute" anchor="dispute">
                <Show when={props.side === 'buyer'}>
                  <AskDecision dispute={dispute()} onAsked={show} />
                </Show>
                <DisputeCase dispute={dispute()} side={props.side} quoteFrom={quoteFrom()} onChange={show} />
              </Section>
            )}
          </Match>
          <Match when={i().canOpen}>
            <Section title="A problem with this order?" anchor="dispute">
              <p class="muted">If it did not arrive, or not as described, tell Souk: your payment stays held until Souk decides.</p>
              <div>
                <Button variant="danger" onClick={() => setReporting(true)}>
                  <Icon name="flag" /> Report a problem
                </Button>
              </div>
              <OpenDisputeDialog open={reporting()} onClose={() => setReporting(false)} onOpen={report} />
            </Section>
          </Match>
        </Switch>
      )}
    </Show>
  )
}
