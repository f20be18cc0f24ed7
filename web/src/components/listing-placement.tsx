import { createAsync, revalidate } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { MAX_BOOST_DAYS } from '../../../src/modules/plans/status'
import { getMyProducts, type ProductSummary } from '../lib/catalog'
import { fieldErrors } from '../lib/errors'
import { applyToFeature, boostListing, getMyPlacements, type MyPlacements, PLACEMENT_STATUS_LABEL } from '../lib/placements'
import { Button } from './button'
import { createRequestState } from './confirm-dialog'
import { Dialog } from './dialog'
import { Badge } from './feedback'
import { TextAreaField, TextField } from './field'
import { FormAlert } from './form'
import { toast } from './toast'

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
const DAY = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' })

/** After a boost or an application: the credits, slots and the rows' flags read again. */
const reread = () => revalidate([getMyPlacements.key, getMyProducts.key])

/** How many days to boost for, one credit each, with the credits the shop has left. */
function BoostDialog(props: { product: ProductSummary; mine: MyPlacements; open: boolean; onClose: () => void }) {
  const request = createRequestState()
  const [days, setDays] = createSignal(1)
  const most = () => Math.max(1, Math.min(MAX_BOOST_DAYS, props.mine.boostCredits))
  const close = () => {
    request.clear()
    props.onClose()
  }
  const submit = async () => {
    const done = await request.run(async () => {
      const boost = await boostListing(props.product.slug, days())
      toast(`${props.product.title} is promoted until ${DAY.format(new Date(boost.endsAt))}. ${plural(boost.creditsLeft, 'credit')} left.`, 'success')
      await reread()
    })
    if (done) close()
  }
  return (
    <Dialog open={props.open} onClose={close} title={`Boost ${props.product.title}`}>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault()
          void submit()
        }}
      >
        <p>
          A boosted listing shows in the home page’s promoted rail and comes first in search, labelled “Promoted”. Each day takes one boost credit; a listing already promoted is extended from where
          its boost ends.
        </p>
        <p data-testid="boost-credits">
          <strong>{plural(props.mine.boostCredits, 'boost credit')}</strong> left this period.
        </p>
        <FormAlert error={request.error()} fields={['days']} />
        <TextField
          label="Days"
          name="days"
          type="number"
          min={1}
          max={most()}
          required
          value={String(days())}
          onInput={(event) => setDays(Number(event.currentTarget.value))}
          error={fieldErrors(request.error()).days}
        />
        <div class="row row--end">
          <Button variant="ghost" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" disabled={request.pending() || props.mine.boostCredits === 0} aria-busy={request.pending()}>
            {`Boost for ${plural(days() > 0 ? days() : 1, 'day')}`}
          </Button>
        </div>
      </form>
    </Dialog>
  )
}

/** Asks admins to feature the listing, with a word for them; the plan's slots and their use are shown. */
function ApplyDialog(props: { product: ProductSummary; mine: MyPlacements; declined: string | null; open: boolean; onClose: () => void }) {
  const request = createRequestState()
  const close = () => {
    request.clear()
    props.onClose()
  }
  return (
    <Dialog open={props.open} onClose={close} title={`Feature ${props.product.title}`}>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault()
          const message = String(new FormData(event.currentTarget).get('message') ?? '').trim()
          void request
            .run(async () => {
              await applyToFeature(message === '' ? { productId: props.product.id } : { productId: props.product.id, message })
              toast(`Asked to feature ${props.product.title}. An admin decides.`, 'success')
              await reread()
            })
            .then((done) => done && close())
        }}
      >
        <p>
          Featured listings lead the home page’s Featured rail until the date an admin sets. Your plan has {plural(props.mine.featuredSlots, 'featured slot')}; {props.mine.featuredNow} in use.
        </p>
        <Show when={props.declined}>{(reason) => <p class="muted">Your last application for it was declined: “{reason()}”</p>}</Show>
        <FormAlert error={request.error()} fields={['message']} />
        <TextAreaField label="A word for the admins (optional)" name="message" maxLength={1000} rows={3} error={fieldErrors(request.error()).message} />
        <div class="row row--end">
          <Button variant="ghost" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" disabled={request.pending()} aria-busy={request.pending()}>
            Apply
          </Button>
        </div>
      </form>
    </Dialog>
  )
}

/**
 * A listing on sale's placement actions on the dashboard: Boost (with the credits left) and, when
 * the shop's plan has featured slots, Apply to feature. Loaded on demand with the first such row.
 */
export default function ListingPlacement(props: { product: ProductSummary }) {
  const mine = createAsync(() => getMyPlacements())
  const [boosting, setBoosting] = createSignal(false)
  const [applying, setApplying] = createSignal(false)
  // Newest first: the listing's latest application.
  const application = () => mine()?.applications.find((a) => a.product.id === props.product.id)
  const pending = () => application()?.status === 'pending'
  return (
    <Show when={mine()}>
      {(m) => (
        <>
          <Show when={application()?.status !== 'granted' && application()}>
            {(a) => (
              <span title={a().declineReason ?? undefined}>
                <Badge tone={a().status === 'declined' ? 'danger' : 'warning'}>{PLACEMENT_STATUS_LABEL[a().status]}</Badge>
              </span>
            )}
          </Show>
          <Button size="sm" onClick={() => setBoosting(true)} aria-label={`Boost ${props.product.title}`}>
            Boost
          </Button>
          <Show when={m().featuredSlots > 0 && !pending()}>
            <Button size="sm" onClick={() => setApplying(true)} aria-label={`Apply to feature ${props.product.title}`}>
              Apply to feature
            </Button>
          </Show>
          <BoostDialog product={props.product} mine={m()} open={boosting()} onClose={() => setBoosting(false)} />
          <ApplyDialog product={props.product} mine={m()} declined={application()?.declineReason ?? null} open={applying()} onClose={() => setApplying(false)} />
        </>
      )}
    </Show>
  )
}
