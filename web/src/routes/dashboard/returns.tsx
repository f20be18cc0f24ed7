import { A } from '@solidjs/router'
import { createSignal, For, onMount, Show } from 'solid-js'
import { RETURN_STATUSES, type ReturnStatus } from '../../../../src/modules/returns/status'
import { ButtonLink } from '../../components/button'
import { Badge, EmptyState, Listed, Loading, Skeleton } from '../../components/feedback'
import { TextField } from '../../components/field'
import { createCursorPages, FilterButtons, LoadMore } from '../../components/finance-parts'
import { FormAlert, SubmitButton } from '../../components/form'
import { Icon } from '../../components/icons'
import { RETURN_REASON_LABEL, RETURN_STATUS_LABEL, RETURN_STATUS_TONE, returnAmount, returnedItems } from '../../components/return-parts'
import { toast, toastError } from '../../components/toast'
import { VendorGate } from '../../components/vendor-gate'
import { fieldErrors } from '../../lib/errors'
import { timeAgo } from '../../lib/format'
import { PageMeta } from '../../lib/head'
import { myTopic, rereading, useTopic } from '../../lib/live'
import { getMyReturnPolicy, listShopReturns, type Return, type ReturnPolicy, saveMyReturnPolicy } from '../../lib/returns'

/** A row of the inbox: the order (a link to its sale, where the return is answered), the buyer, what comes back and why, the refund, its age and its status. */
function ReturnRow(props: { ret: Return }) {
  const r = () => props.ret
  return (
    <tr>
      <th scope="row">
        <A href={`/dashboard/sales/${r().orderId}`}>{r().invoiceNumber}</A>
      </th>
      <td>{r().buyer}</td>
      <td>{returnedItems(r())}</td>
      <td>{RETURN_REASON_LABEL[r().reason]}</td>
      <td>{returnAmount(r())}</td>
      <td>{timeAgo(r().createdAt)}</td>
      <td>
        <Badge tone={RETURN_STATUS_TONE[r().status]}>{RETURN_STATUS_LABEL[r().status]}</Badge>
      </td>
    </tr>
  )
}

/** My shop's returns of one status (those waiting on my answer by default), in cursor pages; read again when a buyer's step notifies me. */
function ReturnsInbox() {
  const [status, setStatus] = createSignal<ReturnStatus>('requested')
  const pages = createCursorPages({
    query: () => ({ status: status() }),
    read: listShopReturns,
    pageSize: 20,
    failed: { load: 'Could not load the returns', more: 'Could not load more returns' },
  })
  // A buyer's step (a new return, one sent back) notifies the shop as an `order` notification on my topic.
  useTopic(myTopic, {
    onEvent: (event) => event.kind === 'notification' && event.data.notification.type === 'order' && void pages.reload(),
    ...rereading(() => void pages.reload()),
  })
  return (
    <section class="card card__body stack" aria-labelledby="returns-heading">
      <h2 id="returns-heading" class="section-title">
        Returns
      </h2>
      <FilterButtons label="Show returns that are" options={RETURN_STATUSES} labels={RETURN_STATUS_LABEL} value={status()} onChange={(value) => setStatus(value ?? 'requested')} />
      <Listed
        items={pages.items()}
        loading={<Loading label="Loading the returns" height="48px" />}
        empty={
          <EmptyState icon="check" title={`No ${RETURN_STATUS_LABEL[status()].toLowerCase()} returns`} headingLevel={3}>
            {status() === 'requested' ? 'Buyers’ requests to send items back wait here for your answer.' : 'Returns show here once they reach this status.'}
          </EmptyState>
        }
      >
        {(list) => (
          <div class="table-scroll">
            <table class="data-table">
              <caption class="visually-hidden">{RETURN_STATUS_LABEL[status()]} returns</caption>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Buyer</th>
                  <th scope="col">Items</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Refund</th>
                  <th scope="col">Asked</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                <For each={list()}>{(ret) => <ReturnRow ret={ret} />}</For>
              </tbody>
            </table>
          </div>
        )}
      </Listed>
      <LoadMore pages={pages} />
    </section>
  )
}

/** My shop's return policy: how many days after delivery buyers may ask, and whether the delivery fee comes back with any return. */
function ReturnPolicyForm() {
  const [policy, setPolicy] = createSignal<ReturnPolicy | null>(null)
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  onMount(async () => {
    try {
      setPolicy(await getMyReturnPolicy())
    } catch (caught) {
      toastError(caught, 'Could not load your return policy')
    }
  })
  const save = async (form: HTMLFormElement) => {
    const data = new FormData(form)
    const days = String(data.get('windowDays') ?? '').trim()
    setPending(true)
    setError(null)
    try {
      // What is not a whole number is sent as -1, so the server names the field.
      setPolicy(await saveMyReturnPolicy({ windowDays: /^\d+$/.test(days) ? Number(days) : -1, refundsShipping: data.get('refundsShipping') !== null }))
      toast('Return policy saved. It applies to returns asked from now on.', 'success')
    } catch (caught) {
      setError(caught)
    } finally {
      setPending(false)
    }
  }
  return (
    <section class="card card__body stack" aria-labelledby="return-policy-heading">
      <h2 id="return-policy-heading" class="section-title">
        Return policy
      </h2>
      <Show
        when={policy()}
        fallback={
          <div aria-busy="true" aria-label="Loading your return policy">
            <Skeleton height="120px" />
          </div>
        }
      >
        {(p) => (
          <form
            class="stack"
            aria-label="Return policy"
            onSubmit={(e) => {
              e.preventDefault()
              void save(e.currentTarget)
            }}
          >
            <FormAlert error={error()} fields={['windowDays', 'refundsShipping']} />
            <TextField
              label="Days to ask for a return"
              name="windowDays"
              type="number"
              min="0"
              max="90"
              required
              value={String(p().windowDays)}
              hint="Counted from delivery, up to 90. 0: your shop takes no returns."
              error={fieldErrors(error()).windowDays}
            />
            <label class="check">
              <input type="checkbox" name="refundsShipping" checked={p().refundsShipping} />
              <span>
                <strong>Refund the delivery fee</strong>
                <span class="muted">With the last items of an order, whatever the reason. It is always refunded when an item is defective, wrong or not as described.</span>
              </span>
            </label>
            <div class="row row--end">
              <SubmitButton pending={pending()} pendingLabel="Saving…">
                Save the return policy
              </SubmitButton>
            </div>
          </form>
        )}
      </Show>
    </section>
  )
}

/** The vendor's returns: buyers' requests to send items back, by status, each linking to its sale; and the shop's return policy. */
export default function Returns() {
  return (
    <>
      <PageMeta title="Returns" description="Items buyers send back to your shop." noindex />
      <VendorGate>
        {(shop) => (
          <>
            <div class="page-header">
              <div>
                <h1>Returns</h1>
                <p>Items buyers of {shop.companyName} ask to send back: approve with instructions or reject, then confirm what comes back to refund it.</p>
              </div>
              <div class="row">
                <ButtonLink href="/dashboard/sales">
                  <Icon name="bag" /> Sales
                </ButtonLink>
                <ButtonLink href="/dashboard">Back to dashboard</ButtonLink>
              </div>
            </div>
            <div class="stack">
              <ReturnsInbox />
              <ReturnPolicyForm />
            </div>
          </>
        )}
      </VendorGate>
    </>
  )
}
