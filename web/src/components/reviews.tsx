import { createSignal, For, Show } from 'solid-js'
import { REVIEW_REPORT_REASONS } from '../../../src/modules/reviews/status'
import { type Review, type ReviewPage, type ReportReason, type ReviewQuery, listReviews, replyToReview, reportReview, setHelpful } from '../lib/reviews'
import { signedIn } from '../lib/session'
import { Button } from './button'
import { ConfirmDialog } from './confirm-dialog'
import { EmptyState, Listed, Skeleton } from './feedback'
import { SelectField, TextAreaField } from './field'
import { createCursorPages, dayDate, LoadMore } from './finance-parts'
import { FormAlert } from './form'
import { RatingSummary, starsText } from './rating'
import { toast, toastError } from './toast'

const REASON_LABEL: Record<ReportReason, string> = {
  spam: 'Spam or advertising',
  offensive: 'Offensive or abusive',
  not_about_product: 'Not about the item',
  personal_data: 'Shares personal data',
  other: 'Something else',
}
const SORTS = [
  { value: 'helpful', label: 'Most helpful' },
  { value: 'newest', label: 'Newest' },
]

/** The shop's answer under a review, or the form to write (or change) it when the caller runs the shop. */
function Reply(props: { review: Review; onChange: (review: Review) => void }) {
  const [editing, setEditing] = createSignal(false)
  const [pending, setPending] = createSignal(false)
  const [error, setError] = createSignal<unknown>(null)
  const r = () => props.review
  const save = async (form: HTMLFormElement) => {
    const body = String(new FormData(form).get('reply') ?? '').trim()
    setPending(true)
    setError(null)
    try {
      props.onChange(await replyToReview(r().id, body, r().reply === null))
      setEditing(false)
      toast('Your reply is published.', 'success')
    } catch (caught) {
      setError(caught)
    } finally {
      setPending(false)
    }
  }
  const form = () => (
    <form
      class="stack stack--tight"
      onSubmit={(event) => {
        event.preventDefault()
        void save(event.currentTarget)
      }}
    >
      <TextAreaField label="Your reply as the shop" name="reply" required minLength={3} maxLength={2000} rows={3} value={r().reply?.body ?? ''} />
      <FormAlert error={error()} />
      <div class="row">
        <Button type="submit" variant="primary" size="sm" disabled={pending()} aria-busy={pending()}>
          {r().reply === null ? 'Publish reply' : 'Save reply'}
        </Button>
      </div>
    </form>
  )
  return (
    <>
      <Show when={r().reply !== null && !editing()}>
        <div class="review__reply stack stack--tight">
          <strong>Reply from the shop</strong>
          <p data-testid="review-reply">{r().reply!.body}</p>
          <span class="muted">
            {dayDate(r().reply!.at)}
            {r().reply!.editedAt === null ? '' : ' · edited'}
          </span>
          <Show when={r().actions.includes('edit_reply')}>
            <div>
              <Button variant="ghost" size="sm" onClick={() => setEditing(true)}>
                Change reply
              </Button>
            </div>
          </Show>
        </div>
      </Show>
      <Show when={r().actions.includes('reply') || editing()}>{form()}</Show>
    </>
  )
}

/** One review: stars, author, text, photos, the shop's reply, and "helpful" and "report" for other signed-in users. */
export function ReviewItem(props: { review: Review; showProduct?: boolean; onChange: (review: Review) => void }) {
  const [reporting, setReporting] = createSignal(false)
  const [reason, setReason] = createSignal<ReportReason>('spam')
  const [voting, setVoting] = createSignal(false)
  const r = () => props.review
  const vote = async () => {
    setVoting(true)
    try {
      const counted = await setHelpful(r().id, !r().votedHelpful)
      props.onChange({ ...r(), ...counted })
    } catch (error) {
      toastError(error, 'Could not record your vote')
    } finally {
      setVoting(false)
    }
  }
  return (
    <li class="review stack stack--tight" aria-label={`Review by ${r().author}`}>
      <div class="row">
        <span class="review__stars" role="img" aria-label={`${r().rating} out of 5 stars`}>
          {starsText(r().rating)}
        </span>
        <strong>{r().author}</strong>
        <span class="muted">
          Verified purchase · {dayDate(r().createdAt)}
          {r().editedAt === null ? '' : ' · edited'}
        </span>
      </div>
      <Show when={props.showProduct}>
        <a href={`/products/${r().product.slug}`}>{r().product.title}</a>
      </Show>
      <p data-testid="review-body">{r().body}</p>
      <Show when={r().photos.length > 0}>
        <div class="review__photos">
          <For each={r().photos}>
            {(photo, i) => (
              <a href={photo.url} target="_blank" rel="noopener">
                <img src={photo.url} alt={`Photo ${i() + 1} of the review by ${r().author}`} width={photo.width} height={photo.height} loading="lazy" />
              </a>
            )}
          </For>
        </div>
      </Show>
      <Reply review={r()} onChange={props.onChange} />
      <div class="row">
        <Show when={r().actions.includes('vote')} fallback={<span class="muted">{r().helpfulCount === 1 ? '1 person found this helpful' : `${r().helpfulCount} people found this helpful`}</span>}>
          <Button variant="ghost" size="sm" aria-pressed={r().votedHelpful} disabled={voting()} onClick={() => void vote()}>
            Helpful · {r().helpfulCount}
          </Button>
        </Show>
        <Show when={r().actions.includes('report')}>
          <Button variant="ghost" size="sm" onClick={() => setReporting(true)}>
            Report
          </Button>
        </Show>
      </div>
      <ConfirmDialog
        title="Report this review"
        open={reporting()}
        onClose={() => setReporting(false)}
        keep="Cancel"
        confirm="Send report"
        onConfirm={async () => {
          await reportReview(r().id, reason(), undefined)
          toast('Thanks: an admin will look at it.', 'success')
        }}
      >
        <SelectField
          label="What is wrong with it?"
          value={reason()}
          options={REVIEW_REPORT_REASONS.map((value) => ({ value, label: REASON_LABEL[value] }))}
          onChange={(event) => setReason(event.currentTarget.value as ReportReason)}
        />
      </ConfirmDialog>
    </li>
  )
}

/** How many visible reviews gave each number of stars; a row filters the list to it. */
function Histogram(props: { page: ReviewPage; picked: number | null; onPick: (stars: number) => void }) {
  const total = () => props.page.histogram.reduce((a, b) => a + b, 0)
  return (
    <div class="review-histogram">
      <For each={[5, 4, 3, 2, 1]}>
        {(stars) => (
          <>
            <Button variant="ghost" size="sm" onClick={() => props.onPick(stars)} aria-label={`Show ${stars}-star reviews`} aria-pressed={props.picked === stars}>
              {stars} ★
            </Button>
            <meter min={0} max={Math.max(1, total())} value={props.page.histogram[stars - 1]} aria-hidden="true" />
            <span class="muted">{props.page.histogram[stars - 1]}</span>
          </>
        )}
      </For>
    </div>
  )
}

/** A product's or a shop's reviews: rating, histogram, sort and star filter, pages, votes and reports, the shop's replies. */
export default function Reviews(props: { of: { product: string } | { shop: string } }) {
  const [sort, setSort] = createSignal<NonNullable<ReviewQuery['sort']>>('helpful')
  const [stars, setStars] = createSignal<number | null>(null)
  const [summary, setSummary] = createSignal<ReviewPage | null>(null)
  const pages = createCursorPages({
    // Read again once signed in: votes and the actions follow the user.
    query: () => ({ sort: sort(), signedIn: signedIn(), ...(stars() === null ? {} : { rating: stars()! }) }),
    read: async ({ signedIn: _, ...query }) => {
      const page = await listReviews(props.of, query)
      if (query.cursor === undefined) setSummary(page)
      return page
    },
    pageSize: 10,
    failed: { load: 'Could not load the reviews', more: 'Could not load more reviews' },
  })
  const replace = (review: Review) => pages.update((list) => list.map((r) => (r.id === review.id ? review : r)))
  return (
    <section id="reviews" class="card card__body stack" aria-labelledby="reviews-heading">
      <h2 id="reviews-heading">Reviews</h2>
      <Show when={summary()} fallback={<Skeleton height="96px" />}>
        {(page) => (
          <div class="row row--between">
            <div class="stack stack--tight">
              <RatingSummary rating={page().rating} empty="No reviews yet" />
              <span class="muted">Only buyers who received the item can review it.</span>
            </div>
            <Show when={page().rating.count > 0}>
              <Histogram page={page()} picked={stars()} onPick={setStars} />
            </Show>
          </div>
        )}
      </Show>
      <Show when={(summary()?.rating.count ?? 0) > 0}>
        <div class="row">
          <SelectField label="Sort by" value={sort()} options={SORTS} onChange={(event) => setSort(event.currentTarget.value as 'helpful' | 'newest')} />
          <Show when={stars()}>
            {(n) => (
              <Button variant="ghost" size="sm" onClick={() => setStars(null)}>
                Showing {n()}-star reviews · show all
              </Button>
            )}
          </Show>
        </div>
      </Show>
      <Listed items={pages.items()} loading={<Skeleton height="120px" />} empty={<Show when={stars() !== null}><EmptyState icon="star" title="No reviews with these stars" headingLevel={3}>Try another filter.</EmptyState></Show>}>
        {(items) => (
          <ul class="review-list" aria-label="Reviews">
            <For each={items()}>{(review) => <ReviewItem review={review} showProduct={'shop' in props.of} onChange={replace} />}</For>
          </ul>
        )}
      </Listed>
      <LoadMore pages={pages} />
    </section>
  )
}
