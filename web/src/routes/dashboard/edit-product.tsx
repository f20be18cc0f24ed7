import { A, createAsync, useParams } from '@solidjs/router'
import { Show } from 'solid-js'
import { ButtonLink } from '../../components/button'
import { EmptyState } from '../../components/feedback'
import { Icon } from '../../components/icons'
import { MediaManager } from '../../components/media-manager'
import { ProductEditor } from '../../components/product-editor'
import { VendorGate } from '../../components/vendor-gate'
import { getProduct } from '../../lib/catalog'
import { PageMeta } from '../../lib/head'

export default function EditProduct() {
  const params = useParams<{ slug: string }>()
  return (
    <>
      <PageMeta title="Edit product" description="Change a product of your shop." noindex />
      <nav aria-label="Breadcrumb">
        <ol class="breadcrumbs">
          <li><A href="/dashboard">Dashboard</A></li>
          <li aria-current="page">Edit product</li>
        </ol>
      </nav>
      <VendorGate>{() => <Editor slug={params.slug} />}</VendorGate>
    </>
  )
}

function Editor(props: { slug: string }) {
  const product = createAsync(() => getProduct(props.slug))
  return (
    <Show when={product() !== undefined}>
      <Show
        when={product()?.canEdit === true ? product() : null}
        fallback={
          <div class="card">
            <EmptyState icon="tag" title="Not one of your products" actions={<ButtonLink href="/dashboard">Back to my dashboard</ButtonLink>}>
              This product does not exist, or belongs to another shop.
            </EmptyState>
          </div>
        }
      >
        {(p) => (
          <>
            <div class="page-header">
              <div>
                <h1>{p().title}</h1>
                <p>Changes to price, stock and status show on open product pages at once.</p>
              </div>
              <ButtonLink href={`/products/${p().slug}`}>
                <Icon name="bag" /> View listing
              </ButtonLink>
            </div>
            <div class="stack">
              <MediaManager product={p()} />
              <ProductEditor product={p()} />
            </div>
          </>
        )}
      </Show>
    </Show>
  )
}
