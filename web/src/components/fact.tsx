import type { JSX } from 'solid-js'

/** A term and its description in a list of facts (`<dl>`): a payment's, a parcel's. */
export function Fact(props: { term: string; children: JSX.Element }) {
  return (
    <div>
      <dt class="muted">{props.term}</dt>
      <dd>{props.children}</dd>
    </div>
  )
}
