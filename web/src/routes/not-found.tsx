import { useLocation } from '@solidjs/router'
import { ButtonLink } from '../components/button'
import { HttpStatus, PageMeta } from '../lib/head'

export default function NotFound() {
  const location = useLocation()
  return (
    <>
      <HttpStatus code={404} />
      <PageMeta title="Page not found" description="This page does not exist on Souk." noindex />
      <section class="not-found">
        <div class="not-found__code" aria-hidden="true">
          404
        </div>
        <h1>We couldn’t find that page</h1>
        <p>
          Nothing lives at <code>{location.pathname}</code>. The link may be old, or the address mistyped.
        </p>
        <div class="row">
          <ButtonLink variant="primary" href="/">
            Go to the home page
          </ButtonLink>
          <ButtonLink href="/catalog">Browse the catalog</ButtonLink>
        </div>
      </section>
    </>
  )
}
