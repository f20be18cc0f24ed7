import { useParams } from '@solidjs/router'
import { ButtonLink } from '../components/button'
import { EmptyState } from '../components/feedback'
import { Avatar } from '../components/media'
import { HttpStatus, PageMeta } from '../lib/head'

/** Storefront frame; until vendors exist every storefront is unknown, answered with a 404. */
export default function Vendor() {
  const params = useParams<{ slug: string }>()
  return (
    <>
      <HttpStatus code={404} />
      <PageMeta title="Storefront not found" description="This storefront is not available on Souk." type="profile" noindex />
      <div class="storefront-banner" />
      <div class="storefront-head">
        <Avatar name={`${params.slug} storefront`} size={88} />
        <div>
          <h1 style={{ margin: 0 }}>{params.slug}</h1>
          <p class="muted" style={{ margin: 0 }}>Storefront</p>
        </div>
      </div>
      <div class="card">
        <EmptyState icon="store" title="No storefront here" actions={<ButtonLink variant="primary" href="/catalog">Browse the catalog</ButtonLink>}>
          {`No vendor uses the address “${params.slug}”. Vendors’ storefronts list their products, reviews and how to reach them.`}
        </EmptyState>
      </div>
    </>
  )
}
