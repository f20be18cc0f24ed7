import { type Accessor, createEffect, createSignal, For, on } from 'solid-js'
import { formatPrice } from '../lib/catalog'
import type { Returnable } from '../lib/returns'
import { Button } from './button'
import { Img } from './media'

/** An item of an order to take some of (to return, to cancel): the shape of a returnable one, `quantity` being how many at most. */
export type Countable = Returnable

/**
 * How many of each of `items` are chosen in a dialog, by position (none at each of its openings,
 * `open`): the lines a request sends (`chosen`), what they are worth at their unit prices, and
 * whether every item is chosen in full (`all`).
 */
export function createItemCounts(items: Accessor<Countable[]>, open: Accessor<boolean>) {
  const [counts, setCounts] = createSignal<Record<number, number>>({})
  createEffect(on(open, (opened) => opened && setCounts({})))
  const count = (position: number) => counts()[position] ?? 0
  return {
    count,
    set: (position: number, quantity: number) => setCounts((all) => ({ ...all, [position]: quantity })),
    chosen: () => items().flatMap((item) => (count(item.position) > 0 ? [{ position: item.position, quantity: count(item.position) }] : [])),
    worth: () => items().reduce((sum, item) => sum + item.unitPriceMinor * count(item.position), 0),
    all: () => items().every((item) => count(item.position) === item.quantity),
  }
}
export type ItemCounts = ReturnType<typeof createItemCounts>

/** The items, each with its photo, unit price and a stepper from none to its `quantity`. */
export function ItemCountList(props: { items: Countable[]; counts: ItemCounts; currency: string }) {
  const c = () => props.counts
  return (
    <ul class="list">
      <For each={props.items}>
        {(item) => (
          <li>
            <span class="order-item" style={{ flex: '1' }}>
              <Img src={item.imageUrl} alt="" width={40} height={40} />
              <span>
                {item.title}
                <span class="muted">
                  {' '}
                  · {formatPrice(item.unitPriceMinor, props.currency)} each · up to {item.quantity}
                </span>
              </span>
            </span>
            <div class="stepper" role="group" aria-label={`How many of ${item.title}`}>
              <Button size="sm" variant="ghost" aria-label={`One fewer ${item.title}`} disabled={c().count(item.position) <= 0} onClick={() => c().set(item.position, c().count(item.position) - 1)}>
                −
              </Button>
              <output aria-live="polite">{c().count(item.position)}</output>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`One more ${item.title}`}
                disabled={c().count(item.position) >= item.quantity}
                onClick={() => c().set(item.position, c().count(item.position) + 1)}
              >
                +
              </Button>
            </div>
          </li>
        )}
      </For>
    </ul>
  )
}
