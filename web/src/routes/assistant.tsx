import { A, createAsync, useLocation, useNavigate, useParams } from '@solidjs/router'
import { createEffect, createSignal, For, on, Show } from 'solid-js'
import { ASSISTANT_LIMITS } from '../../../src/modules/assistant/rules'
import { Conversation, type SessionRef } from '../components/assistant-chat'
import { SignedIn } from '../components/auth-gate'
import { Button, ButtonLink } from '../components/button'
import { ConfirmDialog, createRequestState } from '../components/confirm-dialog'
import { Dialog } from '../components/dialog'
import { Badge, Callout, EmptyState, Skeleton } from '../components/feedback'
import { createCursorPages, LoadMore } from '../components/finance-parts'
import { FormAlert, SubmitButton } from '../components/form'
import { guestAsked, markGuestAsked } from '../components/help-launcher'
import { toast, toastError } from '../components/toast'
import { type AssistantSession, deleteConversation, getConversation, getGuestConversation, keepGuestConversation, listConversations, listUnanswered, renameConversation } from '../lib/assistant'
import { timeAgo } from '../lib/format'
import { PageMeta } from '../lib/head'
import { sessionStatus } from '../lib/session'

// The help assistant's screens: the launcher's panel, Help → Conversations (a list and one
// conversation) and the admins' unanswered questions. In the support screens' chunk (see
// support-screens.ts): the panel shows a hand-off's ticket with the ticket thread.

const LAST_OPENED_KEY = 'souk:assistant-last'

/** localStorage, or nothing where the browser refuses it (a private mode): what it keeps is a convenience. */
function stored(key: string, value?: string | null): string | null {
  try {
    if (value === null) localStorage.removeItem(key)
    else if (value !== undefined) localStorage.setItem(key, value)
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

/** The conversation the panel resumes for a signed-in user: the one they last opened or asked in. */
const rememberOpened = (id: string) => stored(LAST_OPENED_KEY, id)

/**
 * Offers to keep the guest conversation `guest` (asked before signing in) in my account: only
 * "Keep this conversation" stores it; "No thanks" leaves it to expire.
 */
function KeepOffer(props: { guest: AssistantSession; onKept: (session: AssistantSession) => void; onDeclined: () => void }) {
  const request = createRequestState()
  const keep = () =>
    void request.run(async () => {
      const kept = await keepGuestConversation()
      markGuestAsked(false)
      if (kept === null) {
        toast('That conversation has already ended.', 'info')
        props.onDeclined()
        return
      }
      toast('Kept in Help → Conversations.', 'success')
      props.onKept(kept)
    })
  return (
    <Callout tone="info">
      <p>
        Before signing in you asked “{props.guest.title}”. Keep this conversation in your account? If not, it ends {ASSISTANT_LIMITS.guestTtlMs / 60_000} minutes after its last message.
      </p>
      <FormAlert error={request.error()} />
      <div class="row">
        <Button variant="primary" size="sm" disabled={request.pending()} onClick={keep}>
          Keep this conversation
        </Button>
        <Button
          variant="ghost"
          size="sm"
          onClick={() => {
            markGuestAsked(false)
            props.onDeclined()
          }}
        >
          No thanks
        </Button>
      </div>
    </Callout>
  )
}

/**
 * The launcher's panel: the current conversation (a guest's from the cookie; a signed-in user's
 * last opened one), a new one, and — signed in with a guest conversation in this browser — the
 * offer to keep it. A native modal <dialog> (focus kept inside, Escape closes, focus back on the
 * launcher); a page opened from an answer's link closes it.
 */
export function AssistantPanel(props: { open: boolean; onClose: () => void }) {
  const location = useLocation()
  createEffect(
    on(
      () => location.pathname,
      () => props.onClose(),
      { defer: true },
    ),
  )
  // A fresh object each time, so the conversation starts afresh even from one null to the next.
  const [current, setCurrent] = createSignal<{
    session: AssistantSession | null
  } | null>(null)
  const [guest, setGuest] = createSignal<AssistantSession | null>(null)
  const restore = async (user: boolean) => {
    setCurrent(null)
    setGuest(null)
    try {
      const kept = guestAsked() ? await getGuestConversation() : null
      if (kept === null) markGuestAsked(false)
      if (!user) return setCurrent({ session: kept })
      setGuest(kept)
      const last = stored(LAST_OPENED_KEY)
      setCurrent({
        session: last === null ? null : await getConversation(last),
      })
    } catch (error) {
      toastError(error, 'Could not load your conversation')
      setCurrent({ session: null })
    }
  }
  createEffect(on(sessionStatus, (status) => status !== 'restoring' && void restore(status === 'signed-in')))
  const started = (session: SessionRef) => {
    if (session.guest) markGuestAsked(true)
    else rememberOpened(session.id)
  }
  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      title="Help"
      class="assistant-panel"
      footer={
        <>
          <Show when={sessionStatus() === 'signed-in'}>
            <A href="/help/conversations">All conversations</A>
          </Show>
          <Button variant="ghost" size="sm" onClick={() => setCurrent({ session: null })}>
            New conversation
          </Button>
        </>
      }
    >
      <div class="stack">
        <Show when={guest()}>
          {(kept) => (
            <KeepOffer
              guest={kept()}
              onDeclined={() => setGuest(null)}
              onKept={(session) => {
                setGuest(null)
                rememberOpened(session.id)
                setCurrent({ session })
              }}
            />
          )}
        </Show>
        <Show when={current()} keyed fallback={<Skeleton height="120px" />}>
          {(c) => <Conversation initial={c.session} autofocus onSession={started} />}
        </Show>
      </div>
    </Dialog>
  )
}

/** A conversation's title, renamed in place: "Rename" turns it into a field (Escape gives up). */
function TitleEditor(props: { id: string; title: string; heading?: boolean; onRenamed: (title: string) => void }) {
  const [editing, setEditing] = createSignal(false)
  const request = createRequestState()
  const save = (e: SubmitEvent) => {
    e.preventDefault()
    const title = String(new FormData(e.currentTarget as HTMLFormElement).get('title') ?? '').trim()
    void request.run(async () => {
      props.onRenamed((await renameConversation(props.id, title)).title)
      setEditing(false)
    })
  }
  return (
    <Show
      when={editing()}
      fallback={
        <div class="row" style={{ 'flex-wrap': 'wrap' }}>
          <Show when={props.heading} fallback={<A href={`/help/conversations/${props.id}`}>{props.title}</A>}>
            <h1 style={{ margin: 0 }}>{props.title}</h1>
          </Show>
          <Button variant="ghost" size="sm" onClick={() => setEditing(true)} aria-label={`Rename ${props.title}`}>
            Rename
          </Button>
        </div>
      }
    >
      <form class="row" style={{ 'flex-wrap': 'wrap' }} onSubmit={save} onKeyDown={(e) => e.key === 'Escape' && setEditing(false)} aria-label={`Rename ${props.title}`}>
        <FormAlert error={request.error()} fields={['title']} />
        <input class="input" name="title" aria-label="Title" required maxLength={ASSISTANT_LIMITS.titleMax} value={props.title} autofocus style={{ flex: '1 1 12rem' }} />
        <SubmitButton size="sm" pending={request.pending()} pendingLabel="Saving…">
          Save
        </SubmitButton>
        <Button variant="ghost" size="sm" onClick={() => setEditing(false)}>
          Cancel
        </Button>
      </form>
    </Show>
  )
}

function ConversationList() {
  const pages = createCursorPages({
    query: () => ({}),
    read: listConversations,
    pageSize: 20,
    failed: {
      load: 'Could not load your conversations',
      more: 'Could not load more conversations',
    },
  })
  const [deleting, setDeleting] = createSignal<{
    id: string
    title: string
  } | null>(null)
  return (
    <section class="card card__body stack" aria-label="My conversations">
      <Show when={pages.items()} fallback={<Skeleton height="80px" />}>
        {(list) => (
          <Show
            when={list().length > 0}
            fallback={
              <EmptyState icon="chat" title="No conversations yet" headingLevel={2}>
                Ask the help assistant (the Help button on every page): your conversations show here.
              </EmptyState>
            }
          >
            <ul class="stack stack--tight" aria-label="Conversations">
              <For each={list()}>
                {(item) => (
                  <li
                    class="row"
                    style={{
                      'justify-content': 'space-between',
                      'flex-wrap': 'wrap',
                    }}
                  >
                    <TitleEditor id={item.id} title={item.title} onRenamed={(title) => pages.update((rows) => rows.map((row) => (row.id === item.id ? { ...row, title } : row)))} />
                    <span class="row">
                      <Show when={item.ticketId}>
                        <Badge tone="primary">Ticket</Badge>
                      </Show>
                      <span class="muted">{timeAgo(item.updatedAt)}</span>
                      <Button variant="ghost" size="sm" onClick={() => setDeleting(item)} aria-label={`Delete ${item.title}`}>
                        Delete
                      </Button>
                    </span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
      <LoadMore pages={pages} />
      <ConfirmDialog
        title="Delete this conversation?"
        open={deleting() !== null}
        onClose={() => setDeleting(null)}
        keep="Keep it"
        confirm="Delete"
        pendingLabel="Deleting…"
        onConfirm={async () => {
          const gone = deleting()!
          await deleteConversation(gone.id)
          pages.update((rows) => rows.filter((row) => row.id !== gone.id))
          toast('Conversation deleted.', 'success')
        }}
      >
        <p>“{deleting()?.title}” and its messages are deleted. A ticket it opened stays in your tickets.</p>
      </ConfirmDialog>
    </section>
  )
}

/** Help → Conversations (/help/conversations): my conversations with the help assistant. */
export function Conversations() {
  return (
    <>
      <PageMeta title="My help conversations" description="Your conversations with Souk’s help assistant." noindex />
      <div class="page-header">
        <div>
          <p class="muted">
            <A href="/help">Help centre</A>
          </p>
          <h1>Conversations</h1>
          <p>Your conversations with the help assistant, the latest first.</p>
        </div>
      </div>
      <SignedIn>
        <ConversationList />
      </SignedIn>
    </>
  )
}

function ConversationView(props: { id: string }) {
  const navigate = useNavigate()
  const session = createAsync(() => getConversation(props.id))
  const [title, setTitle] = createSignal<string | null>(null)
  const [deleting, setDeleting] = createSignal(false)
  createEffect(() => session() && rememberOpened(props.id))
  return (
    <Show when={session() !== undefined} fallback={<Skeleton height="160px" />}>
      <Show
        when={session()}
        fallback={
          <div class="card">
            <EmptyState icon="chat" title="No such conversation" actions={<ButtonLink href="/help/conversations">My conversations</ButtonLink>}>
              It was deleted, or it is not yours.
            </EmptyState>
          </div>
        }
      >
        {(s) => (
          <div class="stack">
            <div class="page-header">
              <div>
                <p class="muted">
                  <A href="/help/conversations">Conversations</A>
                </p>
                <TitleEditor id={s().id} title={title() ?? s().title} heading onRenamed={setTitle} />
              </div>
              <Button variant="danger" onClick={() => setDeleting(true)}>
                Delete
              </Button>
            </div>
            <section class="card card__body">
              <Conversation initial={s()} />
            </section>
            <ConfirmDialog
              title="Delete this conversation?"
              open={deleting()}
              onClose={() => setDeleting(false)}
              keep="Keep it"
              confirm="Delete"
              pendingLabel="Deleting…"
              onConfirm={async () => {
                await deleteConversation(s().id)
                toast('Conversation deleted.', 'success')
                navigate('/help/conversations')
              }}
            >
              <p>Its messages are deleted. A ticket it opened stays in your tickets.</p>
            </ConfirmDialog>
          </div>
        )}
      </Show>
    </Show>
  )
}

/** /help/conversations/:id: one of my conversations, to read and continue, with its ticket. */
export function ConversationPage() {
  const params = useParams<{ id: string }>()
  return (
    <>
      <PageMeta title="Help conversation" description="Your conversation with Souk’s help assistant." noindex />
      <SignedIn>
        <Show when={params.id} keyed>
          {(id) => <ConversationView id={id} />}
        </Show>
      </SignedIn>
    </>
  )
}

function UnansweredList() {
  const pages = createCursorPages({
    query: () => ({}),
    read: listUnanswered,
    pageSize: 50,
    failed: {
      load: 'Could not load the questions',
      more: 'Could not load more questions',
    },
  })
  return (
    <section class="card card__body stack" aria-label="Unanswered questions">
      <Show when={pages.items()} fallback={<Skeleton height="120px" />}>
        {(list) => (
          <Show
            when={list().length > 0}
            fallback={
              <EmptyState icon="check" title="Nothing unanswered" headingLevel={2}>
                Questions the assistant found no answer to show here.
              </EmptyState>
            }
          >
            <div class="table-scroll">
              <table class="data-table">
                <caption class="visually-hidden">Questions the assistant could not answer, the last asked first</caption>
                <thead>
                  <tr>
                    <th scope="col">Question</th>
                    <th scope="col">Asked by</th>
                    <th scope="col">When</th>
                    <th scope="col">
                      <span class="visually-hidden">Action</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>
                    {(item) => (
                      <tr>
                        <td>
                          {item.question}
                          <Show when={item.times > 1}>
                            <span class="muted"> · asked {item.times} times</span>
                          </Show>
                        </td>
                        <td>
                          <A href={`/admin/users/${item.askedBy.id}`}>{item.askedBy.name}</A>
                        </td>
                        <td>{timeAgo(item.createdAt)}</td>
                        <td>
                          <ButtonLink size="sm" href={`/admin/help?question=${encodeURIComponent(item.question)}`}>
                            Write an article
                          </ButtonLink>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>
      <LoadMore pages={pages} />
    </section>
  )
}

/** Admin → Unanswered questions (/admin/help/unanswered): what the assistant could not answer, to write the missing articles. */
export function AdminUnanswered() {
  return (
    <>
      <PageMeta title="Unanswered questions" description="Souk administration: questions the help assistant could not answer." noindex />
      <div class="page-header">
        <div>
          <h1>Unanswered questions</h1>
          <p>What signed-in users asked the help assistant that no article answered. Write the missing article.</p>
        </div>
      </div>
      <SignedIn role="admin">
        <UnansweredList />
      </SignedIn>
    </>
  )
}
