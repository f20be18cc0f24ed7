import { A, useParams } from '@solidjs/router'
import { ButtonLink } from '../components/button'
import { EmptyState } from '../components/feedback'
import { Img } from '../components/media'
import { HttpStatus, PageMeta } from '../lib/head'

/** No catalog exists yet, so every product id is unknown: the page says so with a real 404. */
export default function Product() {
  const params = useParams<{ id: string }>()
  return (
    <>
      <HttpStatus code={404} />
      <PageMeta title="Product not found" description="This product is not available on Souk." type="product" noindex />
      <nav aria-label="Breadcrumb">
        <ol class="breadcrumbs">
          <li><A href="/" end>Home</A></li>
          <li><A href="/catalog">Catalog</A></li>
          <li aria-current="page">{params.id}</li>
        </ol>
      </nav>
      <div class="product-layout">
        <div class="media">
          <Img src={null} alt="No image for this product" loading="eager" />
        </div>
        <div class="card">
          <EmptyState icon="tag" title="This listing isn’t available" actions={<ButtonLink variant="primary" href="/catalog">Browse the catalog</ButtonLink>}>
            {`There is no product “${params.id}”. It may have been removed by its vendor, or the link is mistyped.`}
          </EmptyState>
        </div>
      </div>
    </>
  )
}
