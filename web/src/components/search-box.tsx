import { useLocation, useNavigate, useSearchParams } from '@solidjs/router'
import { createSignal, createUniqueId, For, onCleanup, Show } from 'solid-js'
import type { CatalogModel } from '../../../src/modules/catalog/model'
import { api } from '../lib/api'
import { Icon } from './icons'

type Option = { label: string; kind: 'product' | 'category'; href: string }

const DEBOUNCE_MS = 150

function optionsOf(s: CatalogModel.Suggestions): Option[] {
  return [
    ...s.products.map((p) => ({ label: p.title, kind: 'product' as const, href: `/products/${p.slug}` })),
    ...s.categories.map((c) => ({ label: c.name, kind: 'category' as const, href: `/catalog?category=${c.slug}` })),
  ]
}

/**
 * The header's search: submitting leads to the catalog (`/catalog?q=`); while typing, suggestions
 * (products, categories) from `/search/suggest` in a WAI-ARIA combobox listbox. Works as a plain
 * GET form before hydration.
 */
export function SearchBox() {
  const [params] = useSearchParams()
  const location = useLocation()
  const navigate = useNavigate()
  const listId = createUniqueId()
  const [options, setOptions] = createSignal<Option[]>([])
  const [active, setActive] = createSignal(-1)
  let timer: ReturnType<typeof setTimeout> | undefined
  let latest = 0
  onCleanup(() => clearTimeout(timer))
  // Outside the catalog the box starts empty; the query belongs to catalog results.
  const current = () => (location.pathname === '/catalog' && typeof params.q === 'string' ? params.q : '')
  const close = () => {
    setOptions([])
    setActive(-1)
  }
  const suggest = (text: string) => {
    clearTimeout(timer)
    if (text.trim() === '') return close()
    timer = setTimeout(async () => {
      const ticket = ++latest
      const res = await api()
        .api.v1.search.suggest.get({ query: { q: text.trim().slice(0, 100), limit: 6 } })
        .catch(() => null)
      // An answer to an older keystroke must not replace a newer one.
      if (ticket !== latest || res === null || res.error !== null) return
      setOptions(optionsOf(res.data))
      setActive(-1)
    }, DEBOUNCE_MS)
  }
  const go = (href: string, input?: HTMLInputElement) => {
    close()
    input?.blur()
    navigate(href)
  }
  return (
    <form
      class="search"
      role="search"
      action="/catalog"
      method="get"
      onSubmit={(e) => {
        e.preventDefault()
        const chosen = options()[active()]
        const input = e.currentTarget.elements.namedItem('q') as HTMLInputElement
        if (chosen !== undefined) return go(chosen.href, input)
        const q = input.value.trim()
        go(q === '' ? '/catalog' : `/catalog?q=${encodeURIComponent(q)}`, input)
      }}
    >
      <label for="site-search" class="visually-hidden">
        Search Souk
      </label>
      <Icon name="search" />
      <input
        id="site-search"
        type="search"
        name="q"
        placeholder="Search products and vendors"
        autocomplete="off"
        role="combobox"
        aria-autocomplete="list"
        aria-controls={listId}
        aria-expanded={options().length > 0}
        aria-activedescendant={active() >= 0 ? `${listId}-${active()}` : undefined}
        value={current()}
        onInput={(e) => suggest(e.currentTarget.value)}
        onBlur={() => setTimeout(close, 150)}
        onKeyDown={(e) => {
          const count = options().length
          if (e.key === 'Escape') return close()
          if (count === 0 || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return
          e.preventDefault()
          setActive((i) => (e.key === 'ArrowDown' ? (i + 1) % count : (i - 1 + count) % count))
        }}
      />
      <Show when={options().length > 0}>
        <ul class="suggest" id={listId} role="listbox" aria-label="Suggestions">
          <For each={options()}>
            {(option, i) => (
              <li
                id={`${listId}-${i()}`}
                role="option"
                aria-selected={i() === active()}
                class="suggest__item"
                onMouseDown={(e) => {
                  e.preventDefault()
                  go(option.href)
                }}
              >
                <Icon name={option.kind === 'product' ? 'tag' : 'bag'} />
                <span>{option.label}</span>
                <span class="muted suggest__kind">{option.kind === 'product' ? 'Product' : 'Category'}</span>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </form>
  )
}
