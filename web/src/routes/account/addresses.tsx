import { createAsync, query, revalidate } from '@solidjs/router'
import { createSignal, For, Show, Suspense } from 'solid-js'
import { MAX_ADDRESSES } from '../../../../src/modules/addresses/rules'
import { type Address, AddressForm, AddressText } from '../../components/address-form'
import { SignedIn } from '../../components/auth-gate'
import { Button, ButtonLink } from '../../components/button'
import { Dialog } from '../../components/dialog'
import { Badge, EmptyState, Skeleton } from '../../components/feedback'
import { FormAlert } from '../../components/form'
import { Icon } from '../../components/icons'
import { toast, toastError } from '../../components/toast'
import { api, must } from '../../lib/api'
import { PageMeta } from '../../lib/head'

const getMyAddresses = query(async () => must(await api().api.v1.me.addresses.get()).items, 'my-addresses')

type Role = 'shipping' | 'billing'

async function makeDefault(address: Address, role: Role): Promise<void> {
  try {
    must(await api().api.v1.me.addresses({ id: address.id }).patch(role === 'shipping' ? { defaultShipping: true } : { defaultBilling: true }))
    await revalidate(getMyAddresses.key)
    toast(role === 'shipping' ? 'Orders go to this address unless you choose another.' : 'Invoices carry this address unless you choose another.', 'success')
  } catch (error) {
    toastError(error, 'Could not change your default address')
  }
}

/** Deleting asks first; a default's role passes to the newest other address (the server decides which). */
function DeleteAddress(props: { address: Address | null; onClose: () => void }) {
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  const close = () => {
    setError(null)
    props.onClose()
  }
  const remove = async (address: Address) => {
    setPending(true)
    try {
      must(await api().api.v1.me.addresses({ id: address.id }).delete())
      await revalidate(getMyAddresses.key)
      toast('The address is deleted.', 'success')
      close()
    } catch (caught) {
      setError(caught)
    } finally {
      setPending(false)
    }
  }
  return (
    <Dialog open={props.address !== null} onClose={close} title="Delete this address?">
      <Show when={props.address}>
        {(address) => (
          <div class="stack">
            <p>
              <strong>{address().fullName}</strong>, {address().line1}, {address().city} leaves your address book. Orders already placed keep their copy.
            </p>
            <FormAlert error={error()} />
            <div class="row row--end">
              <Button variant="ghost" onClick={close}>
                Keep it
              </Button>
              <Button variant="danger" disabled={pending()} aria-busy={pending()} onClick={() => void remove(address())}>
                {pending() ? 'Deleting…' : 'Delete address'}
              </Button>
            </div>
          </div>
        )}
      </Show>
    </Dialog>
  )
}

function AddressItem(props: { address: Address; onEdit: () => void; onDelete: () => void }) {
  const a = () => props.address
  return (
    <>
      <span class="device-list__icon">
        <Icon name="pin" />
      </span>
      <div class="device-list__text">
        <strong>
          {a().fullName}
          <Show when={a().defaultShipping}>
            <Badge tone="success">Default delivery</Badge>
          </Show>
          <Show when={a().defaultBilling}>
            <Badge tone="primary">Default billing</Badge>
          </Show>
        </strong>
        <AddressText address={a()} />
      </div>
      <div class="row address-list__actions">
        <Show when={!a().defaultShipping}>
          <Button size="sm" variant="ghost" onClick={() => void makeDefault(a(), 'shipping')} aria-label={`Make ${a().line1} my default delivery address`}>
            Deliver here by default
          </Button>
        </Show>
        <Show when={!a().defaultBilling}>
          <Button size="sm" variant="ghost" onClick={() => void makeDefault(a(), 'billing')} aria-label={`Make ${a().line1} my default billing address`}>
            Bill here by default
          </Button>
        </Show>
        <Button size="sm" onClick={() => props.onEdit()} aria-label={`Edit ${a().line1}`}>
          Edit
        </Button>
        <Button size="sm" variant="ghost" onClick={() => props.onDelete()} aria-label={`Delete ${a().line1}`}>
          <Icon name="trash" />
        </Button>
      </div>
    </>
  )
}

/** My addresses: one form open at a time, the new one above the list or an edited one in its place. */
function AddressBook() {
  const addresses = createAsync(() => getMyAddresses())
  const [editing, setEditing] = createSignal<string | null>(null)
  const [deleting, setDeleting] = createSignal<Address | null>(null)
  const full = () => (addresses()?.length ?? 0) >= MAX_ADDRESSES
  const saved = async (message: string) => {
    await revalidate(getMyAddresses.key)
    setEditing(null)
    toast(message, 'success')
  }
  return (
    <div class="stack">
      <div class="row row--between">
        <p class="muted">
          Up to {MAX_ADDRESSES} addresses. Your first one is your default for delivery and billing; the checkout offers the others.
        </p>
        <Button variant="primary" onClick={() => setEditing('new')} disabled={editing() === 'new' || full()}>
          <Icon name="plus" /> Add an address
        </Button>
      </div>
      <Show when={editing() === 'new'}>
        <section class="card card__body stack" aria-labelledby="new-address-heading">
          <h2 id="new-address-heading">New address</h2>
          <AddressForm onSaved={() => void saved('The address is added.')} onCancel={() => setEditing(null)} askDefaults={(addresses()?.length ?? 0) > 0} />
        </section>
      </Show>
      <Suspense fallback={<Skeleton height="180px" />}>
        <Show
          when={(addresses()?.length ?? 0) > 0}
          fallback={
            <Show when={editing() !== 'new'}>
              <div class="card">
                <EmptyState icon="pin" title="No addresses yet" actions={<Button variant="primary" onClick={() => setEditing('new')}>Add an address</Button>}>
                  Add where your orders should go; the checkout fills it in for you.
                </EmptyState>
              </div>
            </Show>
          }
        >
          <div class="card card__body">
            <ul class="list device-list address-list" aria-label="Your addresses">
              <For each={addresses()}>
                {(address) => (
                  <li>
                    <Show when={editing() === address.id} fallback={<AddressItem address={address} onEdit={() => setEditing(address.id)} onDelete={() => setDeleting(address)} />}>
                      <AddressForm address={address} onSaved={() => void saved('Your changes are saved.')} onCancel={() => setEditing(null)} />
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </div>
        </Show>
      </Suspense>
      <DeleteAddress address={deleting()} onClose={() => setDeleting(null)} />
    </div>
  )
}

export default function Addresses() {
  return (
    <>
      <PageMeta title="Addresses" description="Where your Souk orders are delivered and billed." noindex />
      <div class="page-header">
        <div>
          <h1>Addresses</h1>
          <p>Where your orders are delivered and billed.</p>
        </div>
        <ButtonLink href="/account" variant="ghost">
          <Icon name="settings" /> Account settings
        </ButtonLink>
      </div>
      <SignedIn>
        <AddressBook />
      </SignedIn>
    </>
  )
}
