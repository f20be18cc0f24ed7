import { A, action, createAsync, redirect, useAction, useParams, useSubmission } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { Button, ButtonLink } from '../../components/button'
import { Dialog } from '../../components/dialog'
import { Callout, EmptyState } from '../../components/feedback'
import { FormAlert } from '../../components/form'
import { Icon } from '../../components/icons'
import { MediaManager } from '../../components/media-manager'
import { ProductEditor } from '../../components/product-editor'
import { toast } from '../../components/toast'
import { VendorGate } from '../../components/vendor-gate'
import { api } from '../../lib/api'
import { getMyProducts, getProduct, must, type Product } from '../../lib/catalog'
import { PageMeta } from '../../lib/head'

const deleteListing = action(async (slug: string, title: string) => {
  must(await api().api.v1.products({ slug }).delete())
  toast(`“${title}” is deleted.`, 'success')
  // Only the dashboard's list is refreshed: refetching this product would answer 404 now.
  throw redirect('/dashboard', { revalidate: getMyProducts.key })
}, 'delete-listing')

/** Deleting asks first, in a dialog: it cannot be undone (the server keeps the row, but nothing brings it back). */
function DeleteListing(props: { product: Product }) {
  const [open, setOpen] = createSignal(false)
  const remove = useAction(deleteListing)
  const submission = useSubmission(deleteListing)
  const close = () => {
    submission.clear()
    setOpen(false)
  }
  return (
    <section class="card card__body settings-block--danger" aria-labelledby="delete-listing-heading">
      <div class="settings-block__intro settings-block__intro--row">
        <div>
          <h3 id="delete-listing-heading">
            <Icon name="trash" /> Delete this listing
          </h3>
          <p class="muted">It leaves the catalog and your dashboard for good. To hide it for a while, archive it instead.</p>
        </div>
        <Button variant="danger" onClick={() => setOpen(true)}>
          Delete listing…
        </Button>
      </div>
      <Dialog open={open()} onClose={close} title="Delete this listing?">
        <div class="stack">
          <p>“{props.product.title}” leaves Souk for good. This cannot be undone.</p>
          <FormAlert error={submission.error} />
          <div class="row row--end">
            <Button variant="ghost" onClick={close}>
              Keep it
            </Button>
            <Button variant="danger" disabled={submission.pending === true} aria-busy={submission.pending === true} onClick={() => void remove(props.product.slug, props.product.title).catch(() => {})}>
              {submission.pending === true ? 'Deleting…' : 'Delete listing'}
            </Button>
          </div>
        </div>
      </Dialog>
    </section>
  )
}

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
              <Show when={p().review.state === 'pending'}>
                <Callout tone="info">
                  <p data-testid="listing-review">Waiting for review: an admin checks new and changed listings before they are public.</p>
                </Callout>
              </Show>
              <Show when={p().review.state === 'rejected'}>
                <Callout tone="danger">
                  <p data-testid="listing-review">Rejected: {p().review.reason}. Change its title, description, photos or price to send it for review again.</p>
                </Callout>
              </Show>
              <MediaManager product={p()} />
              <ProductEditor product={p()} />
              <DeleteListing product={p()} />
            </div>
          </>
        )}
      </Show>
    </Show>
  )
}
