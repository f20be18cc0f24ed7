import { A } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import type { PaymentsModel } from '../../../src/modules/payments/model'
import { WITHDRAWAL_STATUSES, type WithdrawalStatus } from '../../../src/modules/payments/status'
import { api, must } from '../lib/api'
import { formatPrice } from '../lib/catalog'
import { fieldErrors } from '../lib/errors'
import { timeAgo } from '../lib/format'
import { Button } from './button'
import { Dialog } from './dialog'
import { Badge, EmptyState, Listed, Loading } from './feedback'
import { TextField } from './field'
import { FormAlert } from './form'
import { createCursorPages, dayDate, FilterButtons, LoadMore, WITHDRAWAL_LABEL, WITHDRAWAL_TONE } from './finance-parts'
import { ReasonDialog } from './reason-dialog'
import { toast } from './toast'

type Withdrawal = PaymentsModel.Withdrawal

const admin = () => api().api.v1.admin.withdrawals
const listWithdrawals = async (query: { status?: WithdrawalStatus; cursor?: string; limit: number }) => must(await admin().get({ query }))
const approveWithdrawal = async (id: string, reference: string) => must(await admin()({ id }).approve.post({ reference }))
const rejectWithdrawal = async (id: string, reason: string) => must(await admin()({ id }).reject.post({ reason }))

const amountOf = (w: Withdrawal) => formatPrice(w.amountMinor, w.currency)

/** An IBAN in groups of four, as banks print it (the server keeps it without spaces). */
const ibanText = (iban: string) => iban.replace(/(.{4})(?=.)/g, '$1 ')

/** Marking a withdrawal paid: the admin pays it from the bank, then types the transfer's reference. */
function ApproveDialog(props: { withdrawal: Withdrawal | null; onClose: () => void; onApprove: (w: Withdrawal, reference: string) => Promise<unknown> }) {
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  const close = () => {
    setError(null)
    props.onClose()
  }
  return (
    <Dialog open={props.withdrawal !== null} onClose={close} title="Mark this withdrawal paid">
      <Show when={props.withdrawal} keyed>
        {(w) => (
          <form
            class="stack"
            onSubmit={async (e) => {
              e.preventDefault()
              const form = e.currentTarget
              setPending(true)
              setError(null)
              try {
                await props.onApprove(w, String(new FormData(form).get('reference') ?? '').trim())
                form.reset()
                close()
              } catch (caught) {
                setError(caught)
              } finally {
                setPending(false)
              }
            }}
          >
            <p>
              Transfer <strong>{amountOf(w)}</strong> to <strong>{w.payoutMethod.holderName}</strong>, IBAN <span class="text-strong">{w.iban === null ? `…${w.payoutMethod.masked}` : ibanText(w.iban)}</span>, then give
              the bank transfer’s reference. The user is told it was paid.
            </p>
            <FormAlert error={error()} fields={['reference']} />
            <TextField label="Bank reference" name="reference" required minLength={3} maxLength={80} autocomplete="off" error={fieldErrors(error()).reference} />
            <div class="row row--end">
              <Button variant="ghost" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" variant="primary" disabled={pending()} aria-busy={pending()}>
                Mark paid
              </Button>
            </div>
          </form>
        )}
      </Show>
    </Dialog>
  )
}

function WithdrawalRow(props: { withdrawal: Withdrawal; onApprove: () => void; onReject: () => void }) {
  const w = () => props.withdrawal
  const who = () => `${amountOf(w())} to ${w().payoutMethod.holderName}`
  return (
    <li class="admin-row" aria-label={`Withdrawal of ${who()}`}>
      <div class="admin-row__main">
        <div class="row row--between">
          <span>
            <strong>{amountOf(w())}</strong> to {w().payoutMethod.holderName} · {w().payoutMethod.label}
          </span>
          <Badge tone={WITHDRAWAL_TONE[w().status]}>{WITHDRAWAL_LABEL[w().status]}</Badge>
        </div>
        <p>
          IBAN <strong>{w().iban === null ? `…${w().payoutMethod.masked}` : ibanText(w().iban!)}</strong>
        </p>
        <p class="muted">
          Asked by <A href={`/users/${w().userId}`}>{w().userName}</A> {timeAgo(w().createdAt)} · {w().id}
        </p>
        <Show when={w().status === 'paid'}>
          <p>
            Paid{w().decidedAt === null ? '' : ` on ${dayDate(w().decidedAt!)}`}, reference <strong>{w().reference}</strong>
          </p>
        </Show>
        <Show when={w().status === 'rejected'}>
          <p>
            Rejected{w().decidedAt === null ? '' : ` on ${dayDate(w().decidedAt!)}`}: {w().reason}
          </p>
        </Show>
      </div>
      <Show when={w().status === 'requested'}>
        <div class="admin-row__actions">
          <Button size="sm" variant="primary" onClick={() => props.onApprove()} aria-label={`Approve the withdrawal of ${who()}…`}>
            Approve…
          </Button>
          <Button size="sm" variant="danger" onClick={() => props.onReject()} aria-label={`Reject the withdrawal of ${who()}…`}>
            Reject…
          </Button>
        </div>
      </Show>
    </li>
  )
}

/**
 * The withdrawal queue: those waiting for an admin by default, or the paid, the rejected, all.
 * Approving asks for the bank transfer's reference, rejecting for a reason the user sees (the
 * amount returns to their wallet); a decided withdrawal leaves the "requested" queue.
 */
export function FinanceWithdrawals() {
  const [status, setStatus] = createSignal<WithdrawalStatus | undefined>('requested')
  const pages = createCursorPages({
    query: () => (status() === undefined ? {} : { status: status() }),
    read: listWithdrawals,
    pageSize: 20,
    failed: { load: 'Could not load the withdrawals', more: 'Could not load more withdrawals' },
  })
  const [approving, setApproving] = createSignal<Withdrawal | null>(null)
  const [rejecting, setRejecting] = createSignal<Withdrawal | null>(null)

  /** The decided withdrawal in place of the one shown, or out of a list of another status. */
  const decided = (w: Withdrawal) => pages.update((list) => (status() === undefined || status() === w.status ? list.map((row) => (row.id === w.id ? w : row)) : list.filter((row) => row.id !== w.id)))
  const approve = async (w: Withdrawal, reference: string) => {
    decided(await approveWithdrawal(w.id, reference))
    toast(`The withdrawal of ${amountOf(w)} is marked paid.`, 'success')
  }
  const reject = async (w: Withdrawal, reason: string) => {
    decided(await rejectWithdrawal(w.id, reason))
    toast(`The withdrawal of ${amountOf(w)} is rejected; the amount is back in the wallet.`, 'success')
  }

  return (
    <div class="stack">
      <FilterButtons label="Show withdrawals that are" options={WITHDRAWAL_STATUSES} labels={WITHDRAWAL_LABEL} value={status()} all="All" onChange={setStatus} />
      <Listed
        items={pages.items()}
        loading={<Loading label="Loading the withdrawals" height="72px" />}
        empty={
          <EmptyState icon="check" title={status() === 'requested' ? 'Nothing to pay' : 'No withdrawals'} headingLevel={3}>
            {status() === 'requested' ? 'Withdrawals users ask for wait here until an admin pays or rejects them.' : 'No withdrawal has this status.'}
          </EmptyState>
        }
      >
        {(list) => (
          <ul class="admin-list" aria-label="Withdrawals">
            <For each={list()}>{(w) => <WithdrawalRow withdrawal={w} onApprove={() => setApproving(w)} onReject={() => setRejecting(w)} />}</For>
          </ul>
        )}
      </Listed>
      <LoadMore pages={pages} />
      <ApproveDialog withdrawal={approving()} onClose={() => setApproving(null)} onApprove={approve} />
      <ReasonDialog
        title="Reject this withdrawal?"
        confirm="Reject withdrawal"
        open={rejecting() !== null}
        onClose={() => setRejecting(null)}
        intro={
          <Show when={rejecting()}>
            {(w) => (
              <p>
                The withdrawal of <strong>{amountOf(w())}</strong> to {w().payoutMethod.holderName} is not paid; the amount returns to the user’s wallet.
              </p>
            )}
          </Show>
        }
        hint="The user sees this."
        onSubmit={(reason) => reject(rejecting()!, reason)}
      />
    </div>
  )
}
