import { useNavigate, useParams, useSearchParams } from '@solidjs/router'
import { createEffect, on, Show } from 'solid-js'
import { SignedIn } from '../components/auth-gate'
import { ChatList, createInboxList } from '../components/chat-list'
import { ChatThread } from '../components/chat-thread'
import { EmptyState } from '../components/feedback'
import { toast } from '../components/toast'
import { openConversationAbout } from '../lib/api'
import { PageMeta } from '../lib/head'
import { currentUser } from '../lib/session'

const one = (value: string | string[] | undefined) => (typeof value === 'string' && value !== '' ? value : undefined)

/** The list beside the open thread; on a phone one at a time (the thread when one is open). */
function InboxScreen(props: { myId: string }) {
  const params = useParams<{ id?: string }>()
  const [search] = useSearchParams()
  const navigate = useNavigate()
  const productFilter = () => one(search.productId)
  const list = createInboxList(productFilter)

  // "Message seller" lands on /inbox?product=<id>: get or create that conversation, then open it.
  createEffect(
    on(
      () => one(search.product),
      (productId) => {
        if (productId === undefined) return
        openConversationAbout(productId)
          .then((conversation) => {
            navigate(`/inbox/${conversation.id}`, { replace: true })
            void list.reload()
          })
          .catch((error: unknown) => {
            toast(error instanceof Error ? error.message : 'Could not start the conversation', 'error')
            navigate('/inbox', { replace: true })
          })
      },
    ),
  )

  const openId = () => params.id ?? null
  return (
    <div class="chat" classList={{ 'chat--open': openId() !== null || one(search.product) !== undefined }}>
      <ChatList list={list} myId={props.myId} selectedId={openId()} productId={productFilter()} />
      <Show
        when={openId()}
        keyed
        fallback={
          <div class="chat-thread chat-thread--empty">
            <EmptyState icon="chat" title={one(search.product) === undefined ? 'Pick a conversation' : 'Opening the conversation…'} headingLevel={2}>
              Messages arrive here live, with read receipts and typing.
            </EmptyState>
          </div>
        }
      >
        {(id) => <ChatThread id={id} myId={props.myId} onChange={list.update} />}
      </Show>
    </div>
  )
}

export default function Inbox() {
  return (
    <>
      <PageMeta title="Inbox" description="Your conversations with vendors and buyers on Souk." noindex />
      <div class="page-header chat-page-header">
        <div>
          <h1>Inbox</h1>
          <p>Conversations with vendors and buyers, live as they type.</p>
        </div>
      </div>
      <SignedIn>
        <Show when={currentUser()?.id} keyed>
          {(myId) => <InboxScreen myId={myId} />}
        </Show>
      </SignedIn>
    </>
  )
}
