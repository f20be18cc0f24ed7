import { createSignal, For, type JSX, onCleanup, onMount, Show } from 'solid-js'
import { Button } from './button'
import { Icon } from './icons'

/** Page numbers around the current one, with gaps: 1 … 4 5 6 … 20. */
export function pageWindow(page: number, total: number): (number | null)[] {
  const pages = new Set([1, total, page - 1, page, page + 1].filter((p) => p >= 1 && p <= total))
  const sorted = [...pages].sort((a, b) => a - b)
  const out: (number | null)[] = []
  for (const p of sorted) {
    const prev = out[out.length - 1]
    if (typeof prev === 'number' && p - prev > 1) out.push(null)
    out.push(p)
  }
  return out
}

/**
 * Plain links (`?page=n`), so paging works before hydration and for crawlers. They are <a>, not <A>:
 * the router still handles the click, but <A> would mark every page "current" (it ignores the query).
 */
export function Pagination(props: { page: number; totalPages: number; href: (page: number) => string }) {
  return (
    <Show when={props.totalPages > 1}>
      <nav class="pagination" aria-label="Pagination">
        <Show when={props.page > 1} fallback={<span class="is-disabled" aria-hidden="true"><Icon name="chevronLeft" /></span>}>
          <a href={props.href(props.page - 1)} aria-label="Previous page" rel="prev">
            <Icon name="chevronLeft" />
          </a>
        </Show>
        <For each={pageWindow(props.page, props.totalPages)}>
          {(p) =>
            p === null ? (
              <span aria-hidden="true">…</span>
            ) : (
              <a href={props.href(p)} aria-label={`Page ${p}`} aria-current={p === props.page ? 'page' : undefined} classList={{ 'is-current': p === props.page }}>
                {p}
              </a>
            )
          }
        </For>
        <Show when={props.page < props.totalPages} fallback={<span class="is-disabled" aria-hidden="true"><Icon name="chevronRight" /></span>}>
          <a href={props.href(props.page + 1)} aria-label="Next page" rel="next">
            <Icon name="chevronRight" />
          </a>
        </Show>
      </nav>
    </Show>
  )
}

/**
 * A list that asks for more when its end scrolls into view; the "Load more" button stays for
 * keyboard and screen-reader users and for browsers without IntersectionObserver.
 */
export function InfiniteList<T>(props: { items: T[]; hasMore: boolean; loadMore: () => Promise<void>; children: (item: T) => JSX.Element; label: string; class?: string }) {
  const [loading, setLoading] = createSignal(false)
  let sentinel: HTMLDivElement | undefined
  const more = async () => {
    if (loading() || !props.hasMore) return
    setLoading(true)
    try {
      await props.loadMore()
    } finally {
      setLoading(false)
    }
  }
  onMount(() => {
    if (sentinel === undefined || !('IntersectionObserver' in window)) return
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && void more())
    observer.observe(sentinel)
    onCleanup(() => observer.disconnect())
  })
  return (
    <div>
      <ul class={props.class ?? 'list'} aria-label={props.label} aria-busy={loading()}>
        <For each={props.items}>{(item) => <li>{props.children(item)}</li>}</For>
      </ul>
      <div ref={sentinel} class="row" style={{ 'justify-content': 'center', 'margin-top': '16px' }}>
        <Show when={props.hasMore}>
          <Button onClick={() => void more()} disabled={loading()}>
            {loading() ? 'Loading…' : 'Load more'}
          </Button>
        </Show>
      </div>
    </div>
  )
}
