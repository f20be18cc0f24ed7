import { useLocation } from '@solidjs/router'
import { createEffect, on, Show } from 'solid-js'
import { getRequestEvent, isServer } from 'solid-js/web'
import { ApiError, publicError } from '../lib/errors'
import { HttpStatus, PageMeta } from '../lib/head'
import { ButtonLink } from './button'

/** A page whose data failed answers with the API's status (a 503 stays a 503), else 500. */
function statusOf(error: unknown): number {
  return error instanceof ApiError && error.status >= 400 && error.status <= 599 ? error.status : 500
}

/**
 * What the shell shows instead of a page that failed to render or load its data. It shows only
 * the public part of the error (the server render writes no more of it into the page either) and
 * the request id to quote. Leaving the page clears it.
 */
export function PageError(props: { error: unknown; reset: () => void }) {
  const location = useLocation()
  createEffect(on(() => location.pathname + location.search, () => props.reset(), { defer: true }))
  const error = publicError(props.error, isServer ? (getRequestEvent()?.souk?.requestId ?? null) : null)
  return (
    <>
      <HttpStatus code={statusOf(props.error)} />
      <PageMeta title="Something went wrong" description="This page could not be loaded." noindex />
      <section class="not-found" role="alert">
        <h1>This page could not be loaded</h1>
        <p>{error.message.replace(/\.$/, '')}. Try again in a moment.</p>
        <Show when={error.requestId}>
          {(id) => (
            <p>
              Reference: <code>{id()}</code>
            </p>
          )}
        </Show>
        <div class="row">
          <ButtonLink variant="primary" href="/">
            Go to the home page
          </ButtonLink>
        </div>
      </section>
    </>
  )
}
