import { A, createAsync, query, useSearchParams } from '@solidjs/router'
import { createSignal, type JSX, Show } from 'solid-js'
import type { NotificationsModel } from '../../../src/modules/notifications/model'
import { Callout, Skeleton } from '../components/feedback'
import { FormAlert, SubmitButton, createSubmit } from '../components/form'
import { api } from '../lib/api'
import { toApiError } from '../lib/errors'
import { NoStore, PageMeta } from '../lib/head'

type Digest = NotificationsModel.DigestChoice['digest']

const unsubscribe = () => api().api.v1.notifications.digest.unsubscribe

/** The digest choice a link is for, or null when the link is not valid (a 400: forged, cut short, or its account gone). */
const getDigestOfLink = query(async (token: string) => {
  const res = await unsubscribe().get({ query: { token } })
  if (res.error === null) return res.data.digest
  if (res.status === 400) return null
  throw toApiError(res.status, res.error.value)
}, 'digest-of-link')

async function turnOff(token: string): Promise<Digest> {
  // The route's body is RFC 8058's one-click form, which mail clients send; a person's click sends
  // none. Eden types a missing body as null but would send null as JSON, so undefined it is.
  const res = await unsubscribe().post(undefined as unknown as null, { query: { token } })
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  return res.data.digest
}

const toPreferences = (text: string): JSX.Element => (
  <p>
    <A href="/notifications">{text}</A>
  </p>
)

/**
 * The page a digest's "Stop these emails" link opens, signed in or not. Opening it changes
 * nothing (mail scanners open links): the button does, and the page then says so.
 */
export default function Unsubscribe() {
  const [params] = useSearchParams()
  const token = () => (typeof params.token === 'string' ? params.token : '')
  const current = createAsync(async () => (token() === '' ? null : getDigestOfLink(token())))
  const [done, setDone] = createSignal(false)
  const submit = createSubmit(async () => {
    await turnOff(token())
    setDone(true)
  })
  return (
    <>
      <NoStore />
      <PageMeta title="Email digest" description="Stop the email digest of your Souk notifications." noindex />
      <div class="card form-card">
        <div class="card__body stack">
          <h1>Email digest</h1>
          <Show when={current() !== undefined} fallback={<Skeleton height="96px" />}>
            <Show
              when={current()}
              fallback={
                <Callout tone="danger">
                  <p>This unsubscribe link is not valid. It may have been cut short when it was copied.</p>
                  {toPreferences('Choose your digest in your notification preferences')}
                </Callout>
              }
            >
              {(digest) => (
                <Show
                  when={!done() && digest() !== 'off'}
                  fallback={
                    <Callout tone="success">
                      <p>{done() ? 'Done: you will get no more digest emails.' : 'The email digest is already off: you get no digest emails.'}</p>
                      {toPreferences('You can turn it on again in your notification preferences')}
                    </Callout>
                  }
                >
                  <p>You get a {digest()} email with your unread notifications. Turn it off?</p>
                  <form onSubmit={submit.onSubmit}>
                    <FormAlert error={submit.error()} />
                    <SubmitButton pending={submit.pending()} pendingLabel="Turning it off…">
                      Turn off the digest
                    </SubmitButton>
                  </form>
                  {toPreferences('Or choose daily or weekly in your notification preferences')}
                </Show>
              )}
            </Show>
          </Show>
        </div>
      </div>
    </>
  )
}
