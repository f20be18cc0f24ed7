import { Show } from 'solid-js'
import type { Rating } from '../../../src/lib/rating'
import { Icon } from './icons'

const reviewsText = (count: number) => `${count} ${count === 1 ? 'review' : 'reviews'}`

/** A product's or shop's rating: the star, the average and how many reviews; `empty` is said when there are none (nothing by default). */
export function RatingSummary(props: { rating: Rating; empty?: string; href?: string }) {
  return (
    <Show when={props.rating.average !== null} fallback={props.empty === undefined ? null : <span class="rating muted"><Icon name="star" /> {props.empty}</span>}>
      <span class="rating" data-testid="rating">
        <Icon name="star" />
        <span class="visually-hidden">Rated </span>
        <strong>{props.rating.average!.toFixed(1)}</strong>
        <span class="visually-hidden"> out of 5 from {reviewsText(props.rating.count)}</span>{' '}
        <Show when={props.href} fallback={<span class="muted" aria-hidden="true">({reviewsText(props.rating.count)})</span>}>
          {(href) => <a href={href()} class="muted">({reviewsText(props.rating.count)})</a>}
        </Show>
      </span>
    </Show>
  )
}

/** 1 to 5 stars drawn as text, for a single review. */
export const starsText = (rating: number) => '★'.repeat(rating) + '☆'.repeat(5 - rating)
