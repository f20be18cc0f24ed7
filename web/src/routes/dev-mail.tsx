import { createAsync, revalidate, type RouteDefinition, useNavigate, useSearchParams } from '@solidjs/router'
import { For, type JSX, Show, Suspense } from 'solid-js'
import { Button } from '../components/button'
import { Callout, EmptyState, Skeleton } from '../components/feedback'
import { TextField } from '../components/field'
import { Icon } from '../components/icons'
import { getDevMail } from '../lib/api'
import { boot } from '../lib/boot'
import { timeAgo } from '../lib/format'
import { NoStore, PageMeta } from '../lib/head'
import NotFound from './not-found'

const addressOf = (value: unknown) => (typeof value === 'string' && /^[^@\s]+@[^@\s]+$/.test(value.trim()) ? value.trim() : null)

export const route = {
  preload: ({ location }) => {
    const to = addressOf(new URLSearchParams(location.search).get('to'))
    if (to !== null) void getDevMail(to)
  },
} satisfies Omit<RouteDefinition, 'path'>

/** Mail text with its links clickable and its 6-digit codes set apart, so a reader spots them. */
function MailText(props: { text: string }) {
  const parts = () => props.text.split(/(https?:\/\/\S+|\b\d{6}\b)/g)
  return (
    <p class="mail__text">
      <For each={parts()}>
        {(part): JSX.Element => (/^https?:\/\//.test(part) ? <a href={part}>{part}</a> : /^\d{6}$/.test(part) ? <code class="mail__code">{part}</code> : part)}
      </For>
    </p>
  )
}

/**
 * The development mailbox: mail the server would have sent, for one address at a time, so the
 * embedded default can finish a sign-up or a reset without SMTP. Not there in production.
 */
export default function DevMail() {
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const to = () => addressOf(params.to)
  const mail = createAsync(async () => {
    const address = to()
    return address === null ? null : getDevMail(address)
  })
  return (
    <Show when={boot().devMail} fallback={<NotFound />}>
      <NoStore />
      <PageMeta title="Development mailbox" description="Mail this development server would have sent." noindex />
      <div class="page-header">
        <div>
          <h1>Development mailbox</h1>
          <p>This server has no mail server configured (SMTP_URL), so it keeps what it would have sent here. Production has no such page.</p>
        </div>
      </div>
      <div class="card card__body stack">
        <form
          class="mailbox-search"
          method="get"
          action="/dev/mail"
          onSubmit={(e) => {
            e.preventDefault()
            const address = String(new FormData(e.currentTarget).get('to') ?? '').trim()
            navigate(`/dev/mail?to=${encodeURIComponent(address)}`)
          }}
        >
          <TextField label="Recipient" name="to" type="email" required value={to() ?? ''} placeholder="you@example.com" />
          <Button type="submit" variant="primary">
            Show mail
          </Button>
          <Show when={to() !== null}>
            <Button onClick={() => void revalidate(getDevMail.key)}>
              <Icon name="refresh" /> Check again
            </Button>
          </Show>
        </form>
        <Show when={to()} fallback={<Callout>Enter the address you signed up with to see the codes and links sent to it.</Callout>}>
          {(address) => (
            <Suspense fallback={<Skeleton height="140px" />}>
              <Show
                when={(mail() ?? []).length > 0}
                fallback={
                  <EmptyState icon="mail" title="No mail yet" headingLevel={2}>
                    {`Nothing was sent to ${address()}. Mail shows up here a moment after it is sent; check again.`}
                  </EmptyState>
                }
              >
                <ol class="mail-list" aria-label={`Mail to ${address()}`}>
                  <For each={mail()}>
                    {(message) => (
                      <li class="mail">
                        <div class="mail__head">
                          <h2>{message.subject}</h2>
                          <span class="muted">{timeAgo(message.createdAt)}</span>
                        </div>
                        <div class="muted mail__to">To {message.to}</div>
                        <MailText text={message.text} />
                      </li>
                    )}
                  </For>
                </ol>
              </Show>
            </Suspense>
          )}
        </Show>
      </div>
    </Show>
  )
}
