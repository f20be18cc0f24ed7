import { type Accessor, createMemo, For, type JSX, Show } from 'solid-js'

/**
 * A list whose rows are kept by a key of each item (`by`), not by object as `<For>` keeps them: a
 * re-read answers fresh objects, and each row then keeps its place in the DOM and the state in it
 * (a field being typed in and its focus, a form left open), showing the fresh item. Rows come and
 * go with their keys, anywhere in the list (unlike `<Index>`); a key met twice is listed once, in
 * its first place.
 */
export function KeyedFor<T extends object, K>(props: { each: readonly T[]; by: (item: T) => K; children: (item: Accessor<T>) => JSX.Element }): JSX.Element {
  const byKey = createMemo(() => new Map(props.each.map((item) => [props.by(item), item])))
  const keys = createMemo(() => [...byKey().keys()])
  return <For each={keys()}>{(key) => <Show when={byKey().get(key)}>{(item) => props.children(item)}</Show>}</For>
}
