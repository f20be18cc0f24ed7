import { createResource, createSignal, For, Show } from 'solid-js'
import { LISTING_APPROVAL_MODES, type ListingApprovalMode } from '../../../../src/modules/catalog/live'
import { Button } from '../../components/button'
import { EmptyState, Listed, Skeleton } from '../../components/feedback'
import { SelectField, TextField } from '../../components/field'
import { createCursorPages, LoadMore } from '../../components/finance-parts'
import { FormAlert } from '../../components/form'
import { Img } from '../../components/media'
import { AgeFilter, ageQuery, BulkBar, createSelection, type QueueAge, SelectBox, type Selection, tellOutcome } from '../../components/queue-tools'
import { ReasonDialog } from '../../components/reason-dialog'
import { toast, toastError } from '../../components/toast'
import { formatPrice } from '../../lib/catalog'
import { timeAgo } from '../../lib/format'
import { APPROVAL_MODE_LABEL, approveListing, approveListings, getListingRules, listPendingListings, type PendingListing, rejectListing, rejectListings, saveListingRules } from '../../lib/listings'

/** Which listings wait for review: off, new shops, or all, and when a shop counts as trusted. */
function Rules() {
  const [rules] = createResource(() => getListingRules().catch((error: unknown) => (toastError(error, 'Could not load the rules'), null)))
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  const save = async (form: HTMLFormElement) => {
    const data = new FormData(form)
    setPending(true)
    setError(null)
    try {
      await saveListingRules({ approval: String(data.get('approval')) as ListingApprovalMode, trustedAfter: Number(data.get('trustedAfter')) })
      toast('The review rule is saved; it applies to listings created or changed from now on.', 'success')
    } catch (caught) {
      setError(caught)
    } finally {
      setPending(false)
    }
  }
  return (
    <Show when={rules()}>
      {(current) => (
        <form
          class="stack"
          aria-label="Listing review rule"
          onSubmit={(event) => {
            event.preventDefault()
            void save(event.currentTarget)
          }}
        >
          <SelectField label="Which listings wait for review" name="approval" value={current().approval} options={LISTING_APPROVAL_MODES.map((value) => ({ value, label: APPROVAL_MODE_LABEL[value] }))} />
          <TextField label="A shop is trusted after this many approved listings (and no upheld report)" name="trustedAfter" type="number" min={1} max={1000} required value={String(current().trustedAfter)} />
          <FormAlert error={error()} />
          <div>
            <Button type="submit" variant="primary" disabled={pending()} aria-busy={pending()}>
              Save rule
            </Button>
          </div>
        </form>
      )}
    </Show>
  )
}

/** A waiting listing: what it shows buyers, approve it, or reject it with a reason its shop reads. */
function PendingRow(props: { item: PendingListing; selection: Selection; onDone: () => void }) {
  const [rejecting, setRejecting] = createSignal(false)
  const p = () => props.item.product
  const approve = () =>
    void approveListing(p().id).then(
      () => (toast(`${p().title} is approved and public.`, 'success'), props.onDone()),
      (error: unknown) => toastError(error, 'Could not approve it'),
    )
  return (
    <li class="card card__body stack stack--tight" aria-label={`Listing ${p().title}`}>
      <div class="row">
        <SelectBox selection={props.selection} id={p().id} label={`Select ${p().title}`} />
        <Img src={p().image?.thumbnailUrl} alt="" width={64} height={64} />
        <div class="stack stack--tight">
          <a href={`/products/${p().slug}`} target="_blank" rel="noopener" class="text-strong">
            {p().title}
          </a>
          <span class="muted">
            {formatPrice(p().priceMinor, p().currency)} · {p().vendor.companyName} · waiting {p().review.submittedAt === null ? '' : timeAgo(p().review.submittedAt!)}
          </span>
        </div>
      </div>
      <p>{props.item.description.slice(0, 400)}</p>
      <div class="row">
        <Button variant="primary" size="sm" onClick={approve}>
          Approve
        </Button>
        <Button variant="danger" size="sm" onClick={() => setRejecting(true)}>
          Reject…
        </Button>
      </div>
      <ReasonDialog
        title={`Reject ${p().title}`}
        open={rejecting()}
        onClose={() => setRejecting(false)}
        confirm="Reject listing"
        hint="The shop sees this."
        onSubmit={async (reason) => {
          await rejectListing(p().id, reason)
          toast('Rejected; the shop sees why.', 'success')
          props.onDone()
        }}
      />
    </li>
  )
}

const listingsDone = (verb: string) => (n: number) => (n === 1 ? `1 listing ${verb}.` : `${n} listings ${verb}.`)

/** Admin → Listings to review: the rule and the queue, oldest first, by age; approve or reject those ticked at once. */
export default function AdminListings() {
  const [age, setAge] = createSignal<QueueAge | undefined>(undefined)
  const [rejecting, setRejecting] = createSignal(false)
  const selection = createSelection()
  const pages = createCursorPages({
    query: () => ageQuery(age()),
    read: listPendingListings,
    pageSize: 20,
    failed: { load: 'Could not load the listings to review', more: 'Could not load more' },
  })
  const reload = () => void pages.reload()
  return (
    <div class="stack">
      <Rules />
      <h3>Waiting for review</h3>
      <AgeFilter value={age()} onChange={setAge} />
      <BulkBar
        selection={selection}
        shown={() => (pages.items() ?? []).map((item) => item.product.id)}
        actions={[{ label: 'Approve selected', variant: 'primary', done: listingsDone('approved and public'), run: approveListings }]}
        onDone={reload}
      >
        <Button variant="danger" size="sm" disabled={selection.ids().length === 0} onClick={() => setRejecting(true)}>
          Reject selected…
        </Button>
      </BulkBar>
      <ReasonDialog
        title="Reject the selected listings"
        open={rejecting()}
        onClose={() => setRejecting(false)}
        confirm="Reject listings"
        hint="Each shop sees this."
        onSubmit={async (reason) => {
          tellOutcome(await rejectListings(selection.ids(), reason), listingsDone('rejected'))
          selection.clear()
          reload()
        }}
      />
      <Listed items={pages.items()} loading={<Skeleton height="120px" />} empty={<EmptyState icon="tag" title="Nothing to review" headingLevel={3}>Listings waiting for review show here, oldest first.</EmptyState>}>
        {(items) => (
          <ul class="stack" aria-label="Listings waiting for review" style={{ 'list-style': 'none', padding: 0 }}>
            <For each={items()}>{(item) => <PendingRow item={item} selection={selection} onDone={reload} />}</For>
          </ul>
        )}
      </Listed>
      <LoadMore pages={pages} />
    </div>
  )
}
