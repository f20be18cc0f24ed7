import { createResource, createSignal, For, Index, Show } from 'solid-js'
import { addReviewPhoto, changeReview, deleteReview, getOrderReviews, type OrderReviews, type Review, writeReview } from '../lib/reviews'
import { Button } from './button'
import { ConfirmDialog } from './confirm-dialog'
import { Callout } from './feedback'
import { TextAreaField } from './field'
import { FileButton, PHOTO_TYPES } from './file-button'
import { dayDate } from './finance-parts'
import { FormAlert } from './form'
import { Img } from './media'
import { starsText } from './rating'
import { toast, toastError } from './toast'

type Item = OrderReviews['items'][number]

/** Stars as five radio buttons (a fieldset the keyboard reaches as one group). */
function StarPicker(props: { value: number; onPick: (stars: number) => void }) {
  return (
    <fieldset class="row">
      <legend>Your rating</legend>
      <For each={[1, 2, 3, 4, 5]}>
        {(stars) => (
          <label class="row">
            <input type="radio" name="rating" value={stars} checked={props.value === stars} onChange={() => props.onPick(stars)} />
            {stars === 1 ? '1 star' : `${stars} stars`}
          </label>
        )}
      </For>
    </fieldset>
  )
}

/** Writing a review of an item, or changing mine: stars, text, then photos one by one. */
function ReviewForm(props: { item: Item; orderId: string; review: Review | null; onSaved: () => void; onCancel?: () => void }) {
  const [stars, setStars] = createSignal(props.review?.rating ?? 5)
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  const [photos, setPhotos] = createSignal<File[]>([])
  const save = async (form: HTMLFormElement) => {
    const body = String(new FormData(form).get('body') ?? '')
    setPending(true)
    setError(null)
    try {
      const saved = props.review === null ? await writeReview(props.orderId, props.item.position, { rating: stars(), body }) : await changeReview(props.review.id, { rating: stars(), body })
      // The review stands; a photo refused (its size, its kind) is said on its own.
      for (const file of photos()) await addReviewPhoto(saved.id, file).catch((caught: unknown) => toastError(caught, `Could not add ${file.name}`))
      toast(props.review === null ? 'Thank you: your review is published.' : 'Your review is changed.', 'success')
      props.onSaved()
    } catch (caught) {
      setError(caught)
    } finally {
      setPending(false)
    }
  }
  return (
    <form
      class="stack"
      aria-label={`Review of ${props.item.title}`}
      onSubmit={(event) => {
        event.preventDefault()
        void save(event.currentTarget)
      }}
    >
      <StarPicker value={stars()} onPick={setStars} />
      <TextAreaField label="Your review" name="body" required minLength={3} maxLength={4000} rows={4} value={props.review?.body ?? ''} hint="What did you like, what could be better? Others read it before they buy." />
      <Show when={(props.review?.photos.length ?? 0) + photos().length < 5}>
        <FileButton accept={PHOTO_TYPES} onFile={(file) => setPhotos((list) => [...list, file])}>
          Add a photo
        </FileButton>
      </Show>
      <Show when={photos().length > 0}>
        <p class="muted">{photos().map((file) => file.name).join(', ')} will be added.</p>
      </Show>
      <FormAlert error={error()} />
      <div class="row">
        <Button type="submit" variant="primary" disabled={pending()} aria-busy={pending()}>
          {props.review === null ? 'Publish review' : 'Save review'}
        </Button>
        <Show when={props.onCancel}>{(cancel) => <Button variant="ghost" onClick={cancel()}>Cancel</Button>}</Show>
      </div>
    </form>
  )
}

/** An item of the order with my review of it, the form to write one, or why it cannot be. */
function ItemReview(props: { item: Item; orderId: string; onChange: () => void }) {
  const [writing, setWriting] = createSignal(false)
  const [editing, setEditing] = createSignal(false)
  const [deleting, setDeleting] = createSignal(false)
  const review = () => props.item.review
  const saved = () => {
    setWriting(false)
    setEditing(false)
    props.onChange()
  }
  return (
    <li class="stack stack--tight">
      <div class="row">
        <Img src={props.item.imageUrl ?? undefined} alt="" width={48} height={48} />
        <strong>{props.item.title}</strong>
      </div>
      <Show
        when={review()}
        fallback={
          <Show when={props.item.canReview}>
            <Show when={writing()} fallback={<div><Button variant="primary" size="sm" onClick={() => setWriting(true)}>Write a review</Button></div>}>
              <ReviewForm item={props.item} orderId={props.orderId} review={null} onSaved={saved} onCancel={() => setWriting(false)} />
            </Show>
          </Show>
        }
      >
        {(r) => (
          <Show when={!editing()} fallback={<ReviewForm item={props.item} orderId={props.orderId} review={r()} onSaved={saved} onCancel={() => setEditing(false)} />}>
            <div class="stack stack--tight" data-testid="my-review">
              <span class="review__stars" role="img" aria-label={`${r().rating} out of 5 stars`}>
                {starsText(r().rating)}
              </span>
              <p>{r().body}</p>
              <span class="muted">
                Published {dayDate(r().createdAt)}
                {r().editedAt === null ? '' : ' · edited'} · {r().photos.length} {r().photos.length === 1 ? 'photo' : 'photos'} · {r().helpfulCount} found it helpful
              </span>
              <Show when={r().hidden}>{(hidden) => <Callout tone="danger"><p>An admin hid this review: {hidden().reason}</p></Callout>}</Show>
              <Show when={r().reply}>{(reply) => <p class="review__reply"><strong>The shop replied:</strong> {reply().body}</p>}</Show>
              <div class="row">
                <Show when={r().actions.includes('edit')}>
                  <Button size="sm" onClick={() => setEditing(true)}>
                    Change review
                  </Button>
                </Show>
                <Show when={r().actions.includes('delete')}>
                  <Button variant="ghost" size="sm" onClick={() => setDeleting(true)}>
                    Delete review
                  </Button>
                </Show>
              </div>
            </div>
            <ConfirmDialog
              title="Delete your review?"
              open={deleting()}
              onClose={() => setDeleting(false)}
              keep="Keep it"
              confirm="Delete review"
              onConfirm={async () => {
                await deleteReview(r().id)
                props.onChange()
              }}
            >
              <p>Its photos and helpful votes go with it.</p>
            </ConfirmDialog>
          </Show>
        )}
      </Show>
    </li>
  )
}

/** The buyer's reviews of a completed order's items: write, change within 48 hours, delete; the window's end. */
export default function OrderReviewsPanel(props: { orderId: string }) {
  const [data, { refetch }] = createResource(() => props.orderId, (id) => getOrderReviews(id).catch((error: unknown) => (toastError(error, 'Could not load your reviews'), null)))
  return (
    <Show when={data()}>
      {(panel) => (
        <section class="card card__body stack" aria-labelledby="order-reviews-heading">
          <h2 id="order-reviews-heading" class="section-title">
            Review your items
          </h2>
          <Show when={panel().windowEndsAt}>{(end) => <p class="muted">You may review these items until {dayDate(end())}.</p>}</Show>
          <ul class="stack" style={{ 'list-style': 'none', padding: 0 }}>
            {/* By place (an order's items are fixed): a read after a save updates each item in place,
                so a review being written on another item keeps its form and text. */}
            <Index each={panel().items}>{(item) => <ItemReview item={item()} orderId={props.orderId} onChange={() => void refetch()} />}</Index>
          </ul>
        </section>
      )}
    </Show>
  )
}
