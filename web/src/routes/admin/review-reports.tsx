import { createSignal, For } from 'solid-js'
import { Button } from '../../components/button'
import { EmptyState, Listed, Skeleton } from '../../components/feedback'
import { createCursorPages, LoadMore } from '../../components/finance-parts'
import { AgeFilter, ageQuery, type BulkAction, BulkBar, createSelection, type QueueAge, SelectBox, type Selection } from '../../components/queue-tools'
import { ReasonDialog } from '../../components/reason-dialog'
import { ReviewItem } from '../../components/reviews'
import { toast, toastError } from '../../components/toast'
import { timeAgo } from '../../lib/format'
import { dismissReviewReports, hideReview, keepReviews, listReportedReviews, type ReportedReview } from '../../lib/reviews'

/** A reported review with what reporters said: hide it with a reason its author sees, or keep it. */
function ReportedRow(props: { item: ReportedReview; selection: Selection; onDone: () => void }) {
  const [hiding, setHiding] = createSignal(false)
  const keep = () =>
    void dismissReviewReports(props.item.review.id).then(
      () => (toast('The review stays; its reports are dismissed.', 'success'), props.onDone()),
      (error: unknown) => toastError(error, 'That did not work.'),
    )
  return (
    <li class="card card__body stack stack--tight" aria-label={`Reported review by ${props.item.review.author}`}>
      <p class="row">
        <SelectBox selection={props.selection} id={props.item.review.id} label={`Select the review by ${props.item.review.author}`} />
        <strong>{props.item.reportCount === 1 ? '1 report' : `${props.item.reportCount} reports`}</strong> · {props.item.reasons.join(', ').replaceAll('_', ' ')} · last {timeAgo(props.item.lastReportedAt)}
      </p>
      <For each={props.item.details}>{(detail) => <p class="muted">“{detail}”</p>}</For>
      <ul class="review-list">
        <ReviewItem review={props.item.review} showProduct onChange={() => undefined} />
      </ul>
      <div class="row">
        <Button variant="danger" size="sm" onClick={() => setHiding(true)}>
          Hide review…
        </Button>
        <Button size="sm" onClick={keep}>
          Keep it
        </Button>
      </div>
      <ReasonDialog
        title="Hide this review"
        open={hiding()}
        onClose={() => setHiding(false)}
        confirm="Hide review"
        hint="Its author sees this."
        onSubmit={async (reason) => {
          await hideReview(props.item.review.id, reason)
          toast('The review is hidden; its author is told why.', 'success')
          props.onDone()
        }}
      />
    </li>
  )
}

/** The admins' queue of reported reviews, the most recently reported first, by the first report's age; those ticked kept at once. */
export default function AdminReviewReports() {
  const [age, setAge] = createSignal<QueueAge | undefined>(undefined)
  const selection = createSelection()
  const pages = createCursorPages({
    query: () => ageQuery(age()),
    read: listReportedReviews,
    pageSize: 20,
    failed: { load: 'Could not load the reported reviews', more: 'Could not load more' },
  })
  const keep: BulkAction = { label: 'Keep selected', done: (n) => (n === 1 ? 'The review stays; its reports are dismissed.' : `${n} reviews stay; their reports are dismissed.`), run: keepReviews }
  return (
    <div class="stack">
      <AgeFilter label="First reported" value={age()} onChange={setAge} />
      <BulkBar selection={selection} shown={() => (pages.items() ?? []).map((item) => item.review.id)} actions={[keep]} onDone={() => void pages.reload()} />
      <Listed items={pages.items()} loading={<Skeleton height="120px" />} empty={<EmptyState icon="star" title="No reported reviews" headingLevel={3}>Reviews people report show here.</EmptyState>}>
        {(items) => (
          <ul class="stack" aria-label="Reported reviews" style={{ 'list-style': 'none', padding: 0 }}>
            <For each={items()}>{(item) => <ReportedRow item={item} selection={selection} onDone={() => void pages.reload()} />}</For>
          </ul>
        )}
      </Listed>
      <LoadMore pages={pages} />
    </div>
  )
}
