import { action, createAsync, useAction } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import { Button } from '../../components/button'
import { EmptyState } from '../../components/feedback'
import { ReasonDialog } from '../../components/reason-dialog'
import { toast } from '../../components/toast'
import { api } from '../../lib/api'
import { getVendorApplications, must } from '../../lib/catalog'
import { ApiError } from '../../lib/errors'
import { timeAgo } from '../../lib/format'
import type { VendorsModel } from '../../../../src/modules/vendors/model'

type Status = VendorsModel.Vendor['status']
type Shop = Awaited<ReturnType<typeof getVendorApplications>>[number]
type Decision = 'approve' | 'reject' | 'suspend' | 'reinstate'

const STATUSES: { id: Status; label: string }[] = [
  { id: 'pending', label: 'Waiting' },
  { id: 'approved', label: 'Approved' },
  { id: 'suspended', label: 'Suspended' },
  { id: 'rejected', label: 'Rejected' },
]

const DONE: Record<Decision, string> = { approve: 'approved', reject: 'rejected', suspend: 'suspended', reinstate: 'reinstated' }

const decide = action(async (id: string, decision: Decision, reason?: string) => {
  const vendor = api().api.v1.admin.vendors({ id })
  const shop = must(
    decision === 'approve'
      ? await vendor.approve.post()
      : decision === 'reinstate'
        ? await vendor.reinstate.post()
        : decision === 'reject'
          ? await vendor.reject.post({ reason: reason ?? '' })
          : await vendor.suspend.post({ reason: reason ?? '' }),
  )
  toast(`${shop.companyName} is ${DONE[decision]}.`, 'success')
  return shop
}, 'decide-vendor')

function ShopRow(props: { shop: Shop }) {
  const run = useAction(decide)
  const [asking, setAsking] = createSignal<'reject' | 'suspend' | null>(null)
  const s = () => props.shop
  const quick = (decision: 'approve' | 'reinstate') => () =>
    void run(s().id, decision).catch((error: unknown) => toast(error instanceof ApiError ? error.message : 'That did not work.', 'error'))
  return (
    <li class="admin-row">
      <div class="admin-row__main">
        <div class="row">
          <strong>{s().companyName}</strong>
          <span class="muted">/{s().slug}</span>
        </div>
        <p class="muted">
          {s().city}, {s().country} · {s().contactEmail} · {s().contactPhone} · tax {s().taxNumber} · applied {timeAgo(s().createdAt)}
        </p>
        <p class="admin-row__text">{s().description}</p>
        <Show when={s().statusReason}>{(reason) => <p class="muted">Reason: {reason()}</p>}</Show>
      </div>
      <div class="admin-row__actions">
        <Show when={s().status === 'pending'}>
          <Button size="sm" variant="primary" onClick={quick('approve')}>Approve</Button>
          <Button size="sm" variant="danger" onClick={() => setAsking('reject')}>Reject…</Button>
        </Show>
        <Show when={s().status === 'approved'}>
          <Button size="sm" variant="danger" onClick={() => setAsking('suspend')}>Suspend…</Button>
        </Show>
        <Show when={s().status === 'suspended'}>
          <Button size="sm" onClick={quick('reinstate')}>Reinstate</Button>
        </Show>
      </div>
      <ReasonDialog
        title={asking() === 'reject' ? `Reject ${s().companyName}?` : `Suspend ${s().companyName}?`}
        confirm={asking() === 'reject' ? 'Reject application' : 'Suspend shop'}
        open={asking() !== null}
        onClose={() => setAsking(null)}
        onSubmit={(reason) => run(s().id, asking() ?? 'reject', reason)}
      />
    </li>
  )
}

/** Shop applications and shops by status: approve or reject with a reason, suspend, reinstate. */
export function AdminVendors() {
  const [status, setStatus] = createSignal<Status>('pending')
  const shops = createAsync(() => getVendorApplications(status()))
  return (
    <div class="stack">
      <div class="segmented" role="group" aria-label="Show shops that are">
        <For each={STATUSES}>
          {(s) => (
            <button type="button" class="segmented__item" aria-pressed={status() === s.id} onClick={() => setStatus(s.id)}>
              {s.label}
            </button>
          )}
        </For>
      </div>
      <Show when={shops()}>
        {(list) => (
          <Show when={list().length > 0} fallback={<EmptyState icon="store" title="Nothing here" headingLevel={3}>No shops with this status.</EmptyState>}>
            <ul class="admin-list" aria-label="Shops">
              <For each={list()}>{(shop) => <ShopRow shop={shop} />}</For>
            </ul>
          </Show>
        )}
      </Show>
    </div>
  )
}
