import { createResource, createSignal, For, Show } from 'solid-js'
import { SignedIn } from '../components/auth-gate'
import { Button } from '../components/button'
import { ConfirmDialog } from '../components/confirm-dialog'
import { Badge, EmptyState, Skeleton } from '../components/feedback'
import { TextField } from '../components/field'
import { dayDate } from '../components/finance-parts'
import { Img } from '../components/media'
import { dayOf, lastDay, untilOf } from '../components/placement-control'
import { ReasonDialog } from '../components/reason-dialog'
import { toast, toastError } from '../components/toast'
import { formatPrice } from '../lib/catalog'
import { timeAgo } from '../lib/format'
import { PageMeta } from '../lib/head'
import { type AdminPlacements, declineApplication, featureListing, getAdminPlacements } from '../lib/placements'

type Pending = AdminPlacements['applications'][number]
type Featured = AdminPlacements['featured'][number]

/** "March 12, 2026": the last day a placement runs (it ends at the next midnight). */
const through = (until: Date | string) => dayDate(lastDay(until))

/** A shop's application: the listing, the shop's slots in use, grant it through a day, or decline it with a reason. */
function ApplicationRow(props: { item: Pending; onDone: () => void }) {
  const [declining, setDeclining] = createSignal(false)
  const [pending, setPending] = createSignal(false)
  const p = () => props.item.product
  const full = () => props.item.featuredNow >= props.item.featuredSlots
  const grant = async (form: HTMLFormElement) => {
    const featuredUntil = untilOf(String(new FormData(form).get('until') ?? ''))
    setPending(true)
    try {
      const done = await featureListing({ productId: p().id, featuredUntil, applicationId: props.item.id })
      const capped = done.capped
      // A grant stops at the end of the shop's paid period when its plan ends then or loses its featured slots.
      if (capped === null) toast(`${p().title} is featured through ${through(featuredUntil!)}.`, 'success')
      else toast(`${p().title} is featured through ${through(done.featuredUntil!)}, not ${through(capped.askedUntil)}: ${capped.reason}.`, 'info')
      props.onDone()
    } catch (error) {
      toastError(error, 'Could not grant it')
    } finally {
      setPending(false)
    }
  }
  return (
    <li class="card card__body stack stack--tight" aria-label={`Application for ${p().title}`}>
      <div class="row">
        <Img src={p().image?.thumbnailUrl} alt="" width={64} height={64} />
        <div class="stack stack--tight">
          <a href={`/products/${p().slug}`} target="_blank" rel="noopener" class="text-strong">
            {p().title}
          </a>
          <span class="muted">
            {formatPrice(p().priceMinor, p().currency)} · {p().vendor.companyName} · asked {timeAgo(props.item.createdAt)}
          </span>
          <span class="muted" data-testid="placement-slots">
            {props.item.featuredNow} of {props.item.featuredSlots} featured slots in use <Show when={full()}><Badge tone="danger">No slot free</Badge></Show>
          </span>
        </div>
      </div>
      <Show when={props.item.message}>{(message) => <p>“{message()}”</p>}</Show>
      <form
        class="row"
        style={{ 'align-items': 'flex-end' }}
        aria-label={`Grant ${p().title}`}
        onSubmit={(event) => {
          event.preventDefault()
          void grant(event.currentTarget)
        }}
      >
        <TextField label="Featured through" name="until" type="date" required min={dayOf(new Date())} />
        <Button type="submit" variant="primary" size="sm" disabled={pending() || full()} aria-busy={pending()}>
          Grant
        </Button>
        <Button variant="danger" size="sm" onClick={() => setDeclining(true)}>
          Decline…
        </Button>
      </form>
      <ReasonDialog
        title={`Decline ${p().title}`}
        open={declining()}
        onClose={() => setDeclining(false)}
        confirm="Decline"
        onSubmit={async (reason) => {
          await declineApplication(props.item.id, reason)
          toast('Declined; the shop sees why.', 'success')
          props.onDone()
        }}
      />
    </li>
  )
}

/** A listing featured now: its shop, the last day, and ending it now. */
function FeaturedRow(props: { item: Featured; onDone: () => void }) {
  const [ending, setEnding] = createSignal(false)
  const p = () => props.item.product
  return (
    <tr>
      <th scope="row">
        <a href={`/products/${p().slug}`}>{p().title}</a>
      </th>
      <td>{p().vendor.companyName}</td>
      <td data-testid="featured-through">{through(props.item.featuredUntil)}</td>
      <td>
        <Button size="sm" onClick={() => setEnding(true)} aria-label={`End the feature of ${p().title}`}>
          End now
        </Button>
        <ConfirmDialog
          title={`End the feature of ${p().title}?`}
          open={ending()}
          onClose={() => setEnding(false)}
          keep="Keep it"
          confirm="End it now"
          onConfirm={async () => {
            await featureListing({ productId: p().id, featuredUntil: null })
            toast(`${p().title} is no longer featured.`, 'success')
            props.onDone()
          }}
        >
          <p>It leaves the Featured rail now. Its shop keeps the slot back.</p>
        </ConfirmDialog>
      </td>
    </tr>
  )
}

function Placements() {
  const [view, { refetch }] = createResource(() => getAdminPlacements().catch((error: unknown) => (toastError(error, 'Could not load placement'), null)))
  const reload = () => void refetch()
  return (
    <Show
      when={view()}
      fallback={
        <div aria-busy="true" aria-label="Loading placement">
          <Skeleton height="120px" />
        </div>
      }
    >
      {(v) => (
        <div class="stack">
          <section class="card card__body stack" aria-labelledby="applications-heading">
            <h2 id="applications-heading" class="section-title">
              Applications
            </h2>
            <Show
              when={v().applications.length > 0}
              fallback={
                <EmptyState icon="check" title="No applications waiting" headingLevel={3}>
                  Shops whose plan has featured slots apply from their dashboard; their applications wait here.
                </EmptyState>
              }
            >
              <ul class="stack" aria-labelledby="applications-heading" style={{ 'list-style': 'none', padding: 0 }}>
                <For each={v().applications}>{(item) => <ApplicationRow item={item} onDone={reload} />}</For>
              </ul>
            </Show>
          </section>
          <section class="card card__body stack" aria-labelledby="featured-heading">
            <h2 id="featured-heading" class="section-title">
              Featured now
            </h2>
            <p class="muted">Listings on the home page’s Featured rail, the soonest end first. Any listing’s product page also has a Placement panel for admins.</p>
            <Show
              when={v().featured.length > 0}
              fallback={
                <EmptyState icon="tag" title="Nothing is featured" headingLevel={3}>
                  Granted applications show here until their end.
                </EmptyState>
              }
            >
              <div class="table-scroll">
                <table class="data-table">
                  <caption class="visually-hidden">Listings featured now, the soonest end first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Listing</th>
                      <th scope="col">Shop</th>
                      <th scope="col">Featured through</th>
                      <th scope="col">
                        <span class="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={v().featured}>{(item) => <FeaturedRow item={item} onDone={reload} />}</For>
                  </tbody>
                </table>
              </div>
            </Show>
          </section>
        </div>
      )}
    </Show>
  )
}

/** Admin → Placement: who is featured until when, and shops' applications to be featured. */
export default function AdminPlacementsPage() {
  return (
    <>
      <PageMeta title="Placement" description="Souk administration: featured listings and applications." noindex />
      <div class="page-header">
        <div>
          <h1>Placement</h1>
          <p>Who is featured until when, and shops’ applications to be featured within their plan’s slots.</p>
        </div>
      </div>
      <SignedIn role="admin">
        <Placements />
      </SignedIn>
    </>
  )
}
