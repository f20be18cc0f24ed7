import { useSearchParams } from '@solidjs/router'
import { Show } from 'solid-js'
import { ButtonLink } from '../components/button'
import { EmptyState } from '../components/feedback'
import { PageMeta } from '../lib/head'

export default function Catalog() {
  const [params] = useSearchParams()
  const q = () => (typeof params.q === 'string' ? params.q.trim() : '')
  return (
    <>
      <PageMeta title={q() === '' ? 'Catalog' : `“${q()}” in the catalog`} description="Browse products from independent vendors on Souk." />
      <div class="page-header">
        <div>
          <h1>{q() === '' ? 'Catalog' : `Results for “${q()}”`}</h1>
          <p>Products from independent vendors, newest first.</p>
        </div>
      </div>
      <div class="layout-sidebar">
        <aside class="card filters" aria-labelledby="categories-heading">
          <h2 id="categories-heading">Categories</h2>
          <p class="muted" style={{ margin: 0, 'font-size': '0.92rem' }}>
            Categories appear here once vendors start listing products.
          </p>
        </aside>
        <section class="card" aria-label="Products">
          <Show
            when={q() !== ''}
            fallback={
              <EmptyState icon="bag" title="The catalog is empty for now" actions={<ButtonLink variant="primary" href="/signup">Become a vendor</ButtonLink>}>
                When vendors publish products, you can browse, filter and search them here.
              </EmptyState>
            }
          >
            <EmptyState icon="search" title={`Nothing matches “${q()}”`} actions={<ButtonLink href="/catalog">Clear search</ButtonLink>}>
              Try a shorter or different search term.
            </EmptyState>
          </Show>
        </section>
      </div>
    </>
  )
}
