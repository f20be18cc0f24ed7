import { A, useParams } from '@solidjs/router'
import { createMemo, createSignal, Match, onMount, Show, Switch } from 'solid-js'
import { REOPEN_DAYS } from '../../../src/modules/support/status'
import { SignedIn } from '../components/auth-gate'
import { ButtonLink } from '../components/button'
import { Badge, Callout, EmptyState, Loading } from '../components/feedback'
import { createTicketState, ReplyForm, TicketThread } from '../components/ticket-thread'
import { timeAgo } from '../lib/format'
import { PageMeta } from '../lib/head'
import { TICKET_CATEGORY_LABEL, TICKET_STATUS_LABEL, TICKET_STATUS_TONE } from '../lib/support'

/** The emailed link's token, from the page's fragment (a fragment never reaches the server). */
const tokenOf = (hash: string) => /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(hash)?.[1] ?? null
const tokenKey = (id: string) => `souk:ticket-token:${id}`

/**
 * The token of ticket `id` in this tab: the emailed link's (kept in sessionStorage for the tab,
 * then taken out of the address bar, so it is neither shared with the address nor left in the
 * history), else the one kept when the link was opened; null for none.
 */
function takeToken(id: string): string | null {
  const fromLink = tokenOf(window.location.hash)
  if (fromLink !== null) {
    try {
      sessionStorage.setItem(tokenKey(id), fromLink)
    } catch {
      // Storage refused (a private mode): the token still serves this page.
    }
    history.replaceState(history.state, '', `${window.location.pathname}${window.location.search}`)
    return fromLink
  }
  try {
    return sessionStorage.getItem(tokenKey(id))
  } catch {
    return null
  }
}

/**
 * A ticket as its requester reads it: the thread with Souk support's answers, and a reply (with
 * images) while it may take one — else why not, and the way to a new ticket. Signed in, it follows
 * `ticket:<id>`, so an answer shows without a reload; a visitor (`token`) reads it again after
 * each of their own steps.
 */
function TicketPage(props: { id: string; token: string | null }) {
  const { ticket, missing, show } = createTicketState(props.id, props.token)
  return (
    <Switch>
      <Match when={missing()}>
        <div class="card">
          <EmptyState icon="chat" title="No such ticket" actions={<ButtonLink href="/help/contact">Contact support</ButtonLink>}>
            {props.token === null ? 'It does not exist, or it is not yours.' : 'This link does not open a ticket. Use the link of the latest email about it.'}
          </EmptyState>
        </div>
      </Match>
      <Match when={ticket()}>
        {(t) => (
          <div class="stack">
            <PageMeta title={t().subject} description="Your Souk support ticket." noindex />
            <section class="card card__body stack" aria-labelledby="ticket-heading">
              <div class="row" style={{ 'justify-content': 'space-between', 'flex-wrap': 'wrap' }}>
                <h2 id="ticket-heading" class="section-title">
                  {t().subject}
                </h2>
                <Badge tone={TICKET_STATUS_TONE[t().status]}>{TICKET_STATUS_LABEL[t().status]}</Badge>
              </div>
              <p class="muted">
                {TICKET_CATEGORY_LABEL[t().category]}
                <Show when={t().order}>
                  {(order) => (
                    <>
                      {' '}
                      · order <A href={`/orders/${order().id}`}>{order().invoiceNumber}</A>
                    </>
                  )}
                </Show>{' '}
                · opened {timeAgo(t().createdAt)}
              </p>
              <TicketThread ticket={t()} token={props.token} onChange={show} />
            </section>
            <section class="card card__body stack" aria-label="Your reply">
              <Show
                when={t().canReply}
                fallback={
                  <Callout tone="info">
                    <p>{t().replyRefusal}</p>
                    <ButtonLink href="/help/contact">Open a new ticket</ButtonLink>
                  </Callout>
                }
              >
                <Show when={t().status === 'solved'}>
                  <p class="muted">Souk support marked this solved. Reply within {REOPEN_DAYS} days to open it again.</p>
                </Show>
                <ReplyForm ticket={t()} token={props.token} staff={false} onPosted={show} />
              </Show>
            </section>
          </div>
        )}
      </Match>
      <Match when={true}>
        <Loading class="card card__body stack" label="Loading the ticket" heading rows={1} height="120px" />
      </Match>
    </Switch>
  )
}

export default function HelpTicket() {
  const params = useParams<{ id: string }>()
  // Read once mounted (the server never sees the fragment, so its render waits like a restoring
  // session), and again for each ticket the page moves to: a token is one ticket's.
  const [mounted, setMounted] = createSignal(false)
  onMount(() => setMounted(true))
  const visit = createMemo(() => (mounted() ? { id: params.id, token: takeToken(params.id) } : null))
  return (
    <>
      <PageMeta title="Support ticket" description="Your Souk support ticket." noindex />
      <div class="page-header">
        <div>
          <h1>Support ticket</h1>
          <p>Your question and Souk support’s answers.</p>
        </div>
        <ButtonLink href="/help/contact">All my tickets</ButtonLink>
      </div>
      <Switch>
        <Match when={visit() === null}>
          <Loading class="card card__body" label="Loading the ticket" rows={1} height="120px" />
        </Match>
        <Match when={visit()?.token != null && visit()} keyed>
          {(v) => <TicketPage id={v.id} token={v.token} />}
        </Match>
        <Match when={true}>
          <SignedIn>
            <Show when={params.id} keyed>
              {(id) => <TicketPage id={id} token={null} />}
            </Show>
          </SignedIn>
        </Match>
      </Switch>
    </>
  )
}
