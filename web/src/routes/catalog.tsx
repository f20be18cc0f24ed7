import { createAsync, type Location, type RouteDefinition, useLocation, useNavigate, useSearchParams } from '@solidjs/router'
import { createEffect, createMemo, createSignal, ErrorBoundary, For, on, Show } from 'solid-js'
import { Button, ButtonLink } from '../components/button'
import { Callout, EmptyState } from '../components/feedback'
import { ProductGrid } from '../components/product-card'
import { CONDITION_LABEL, getCategories, parseMoney, type ProductSummary, SORT_LABEL, type SearchQuery, searchProducts } from '../lib/catalog'
import { ApiError } from '../lib/errors'
import { PageMeta } from '../lib/head'

const PAGE = 24
type Params = Record<string, string | string[] | undefined>

const one = (value: string | string[] | undefined) => (typeof value === 'string' ? value.trim() : '')

/**
 * The page's URL is the search: `q`, `category`, `min`/`max` (in currency units), `condition`,
 * `location`, `inStock=1`, `featured=1`, `sort`. Values that mean nothing are left out rather
 * than sent, so a hand-edited link still shows results.
 */
export function searchOf(params: Params): SearchQuery {
  const q = one(params.q)
  const condition = one(params.condition)
  const sort = one(params.sort)
  const search: SearchQuery = { limit: PAGE }
  if (q !== '') search.q = q
  if (one(params.category) !== '') search.category = one(params.category)
  const minPrice = parseMoney(one(params.min))
  const maxPrice = parseMoney(one(params.max))
  if (minPrice !== undefined) search.minPrice = minPrice
  if (maxPrice !== undefined) search.maxPrice = maxPrice
  if (condition in CONDITION_LABEL) search.condition = condition as SearchQuery['condition']
  if (one(params.location) !== '') search.location = one(params.location)
  if (one(params.inStock) === '1') search.inStock = true
  if (one(params.featured) === '1') search.featured = true
  if (sort in SORT_LABEL && (sort !== 'relevance' || q !== '')) search.sort = sort as SearchQuery['sort']
  return search
}

const paramsOf = (location: Location) => Object.fromEntries(new URLSearchParams(location.search))

export const route = {
  preload: ({ location }) => {
    void getCategories()
    void searchProducts(searchOf(paramsOf(location)))
  },
} satisfies Omit<RouteDefinition, 'path'>

/** How many filters narrow `search` (a price range counts once); sort and words are not filters. */
const activeFilters = (search: SearchQuery) =>
  [search.category, search.minPrice ?? search.maxPrice, search.condition, search.location, search.inStock, search.featured].filter((v) => v !== undefined).length

/**
 * On a phone the form folds under its summary, so results come first; on a wider screen the
 * stylesheet keeps it open with the summary hidden. A native details, so it opens before hydration.
 */
function Filters(props: { params: Params; active: number }) {
  const categories = createAsync(() => getCategories())
  const navigate = useNavigate()
  const value = (name: string) => one(props.params[name])
  return (
    <details class="filters-panel">
      <summary class="btn btn--secondary">Filters{props.active > 0 ? ` (${props.active})` : ''}</summary>
      <form
        class="card filters"
        action="/catalog"
        method="get"
        aria-labelledby="filters-heading"
        onSubmit={(e) => {
          e.preventDefault()
          const form = new URLSearchParams()
          for (const [name, v] of new FormData(e.currentTarget)) if (typeof v === 'string' && v.trim() !== '') form.set(name, v.trim())
          navigate(`/catalog${form.size > 0 ? `?${form}` : ''}`)
        }}
      >
        <h2 id="filters-heading">Filters</h2>
        <Show when={value('q') !== ''}>
          <input type="hidden" name="q" value={value('q')} />
        </Show>
        <div class="field">
          <label for="filter-category">Category</label>
          <select id="filter-category" name="category" class="select" value={value('category')}>
            <option value="">All categories</option>
            <For each={categories() ?? []}>
              {(c) => (
                <option value={c.slug} selected={c.slug === value('category')}>
                  {`${'\u00a0\u00a0'.repeat(c.depth)}${c.name}`}
                </option>
              )}
            </For>
          </select>
        </div>
        <fieldset class="field filters__price">
          <legend>Price</legend>
          <div class="row">
            <input class="input" name="min" inputmode="decimal" placeholder="Min" aria-label="Minimum price" value={value('min')} />
            <span aria-hidden="true">–</span>
            <input class="input" name="max" inputmode="decimal" placeholder="Max" aria-label="Maximum price" value={value('max')} />
          </div>
        </fieldset>
        <div class="field">
          <label for="filter-condition">Condition</label>
          <select id="filter-condition" name="condition" class="select">
            <option value="">Any condition</option>
            <For each={Object.entries(CONDITION_LABEL)}>
              {([key, label]) => (
                <option value={key} selected={key === value('condition')}>
                  {label}
                </option>
              )}
            </For>
          </select>
        </div>
        <div class="field">
          <label for="filter-location">Location</label>
          <input id="filter-location" class="input" name="location" placeholder="City or country" value={value('location')} />
        </div>
        <label class="check">
          <input type="checkbox" name="inStock" value="1" checked={value('inStock') === '1'} /> In stock only
        </label>
        <label class="check">
          <input type="checkbox" name="featured" value="1" checked={value('featured') === '1'} /> Featured only
        </label>
        <div class="field">
          <label for="filter-sort">Sort by</label>
          <select id="filter-sort" name="sort" class="select">
            <For each={Object.entries(SORT_LABEL).filter(([key]) => key !== 'relevance' || value('q') !== '')}>
              {([key, label]) => (
                <option value={key} selected={key === (value('sort') || (value('q') === '' ? 'newest' : 'relevance'))}>
                  {label}
                </option>
              )}
            </For>
          </select>
        </div>
        <div class="row">
          <Button type="submit" variant="primary">
            Apply filters
          </Button>
          <ButtonLink variant="ghost" href={value('q') === '' ? '/catalog' : `/catalog?q=${encodeURIComponent(value('q'))}`}>
            Reset
          </ButtonLink>
        </div>
      </form>
    </details>
  )
}

/** The first page comes from the server render; further pages follow the API's cursor. The count is the first page's, for the whole search. */
function Results(props: { search: SearchQuery }) {
  const first = createAsync(() => searchProducts(props.search))
  const [more, setMore] = createSignal<ProductSummary[]>([])
  const [cursor, setCursor] = createSignal<string | null | undefined>(undefined)
  const [loading, setLoading] = createSignal(false)
  createEffect(on(() => props.search, () => (setMore([]), setCursor(undefined)), { defer: true }))
  const next = () => (cursor() === undefined ? (first()?.nextCursor ?? null) : cursor()!)
  const loadMore = async () => {
    const after = next()
    if (after === null || loading()) return
    setLoading(true)
    try {
      const page = await searchProducts({ ...props.search, cursor: after })
      setMore((items) => [...items, ...page.items])
      setCursor(page.nextCursor)
    } finally {
      setLoading(false)
    }
  }
  const items = () => [...(first()?.items ?? []), ...more()]
  return (
    <Show when={first()}>
      <Show
        when={items().length > 0}
        fallback={
          <div class="card">
            <EmptyState icon="search" title={props.search.q === undefined ? 'Nothing matches these filters' : `Nothing matches “${props.search.q}”`} actions={<ButtonLink href="/catalog">Clear search and filters</ButtonLink>}>
              Try fewer filters, or a shorter or different search term.
            </EmptyState>
          </div>
        }
      >
        <Show when={first()?.total}>
          {(total) => (
            <p class="muted" role="status">
              {total().toLocaleString('en')} {total() === 1 ? 'result' : 'results'}
            </p>
          )}
        </Show>
        <ProductGrid products={items()} label="Products" eager={4} />
        <Show when={next() !== null}>
          <div class="row load-more">
            <Button onClick={() => void loadMore()} disabled={loading()} aria-busy={loading()}>
              {loading() ? 'Loading…' : 'Show more products'}
            </Button>
          </div>
        </Show>
      </Show>
    </Show>
  )
}

export default function Catalog() {
  const [params] = useSearchParams()
  const location = useLocation()
  const search = createMemo(() => searchOf(paramsOf(location)), undefined, { equals: (a, b) => JSON.stringify(a) === JSON.stringify(b) })
  const q = () => search().q ?? ''
  return (
    <>
      <PageMeta title={q() === '' ? 'Catalog' : `“${q()}” in the catalog`} description="Browse products from independent vendors on Souk." />
      <div class="page-header">
        <div>
          <h1>{q() === '' ? 'Catalog' : `Results for “${q()}”`}</h1>
          <p>Products from independent vendors. {SORT_LABEL[search().sort ?? (q() === '' ? 'newest' : 'relevance')]} first.</p>
        </div>
      </div>
      <div class="layout-sidebar">
        <Filters params={params} active={activeFilters(search())} />
        <section aria-label="Results">
          <ErrorBoundary
            fallback={(error) => (
              <Callout tone="danger">
                <p>{error instanceof ApiError ? error.message : 'The catalog could not be loaded. Try again in a moment.'}</p>
                <p>
                  <a href="/catalog">Clear search and filters</a>
                </p>
              </Callout>
            )}
          >
            <Results search={search()} />
          </ErrorBoundary>
        </section>
      </div>
    </>
  )
}
