import { A } from '@solidjs/router'
import { createEffect, createMemo, createSignal, For, on, Show } from 'solid-js'
import type { ChatMessage, Conversation } from '../../../src/modules/chat/item'
import { listConversations } from '../lib/api'
import { timeAgo } from '../lib/format'
import { myTopic, rereading, useTopic } from '../lib/live'
import { Button } from './button'
import { SYSTEM_MESSAGE_LABEL } from './chat-labels'
import { EmptyState, Loading } from './feedback'
import { Icon } from './icons'
import { Img } from './media'
import { PresenceDot } from './presence'
import { toast } from './toast'

const PAGE = 50

/** What a row says of the newest message. */
function messagePreview(message: ChatMessage | null, myId: string): string {
  if (message === null) return 'No messages yet'
  const mine = message.senderId === myId ? 'You: ' : ''
  if (message.deleted) return `${mine}Message deleted`
  if (message.kind === 'system' && message.system !== null) return SYSTEM_MESSAGE_LABEL[message.system]
  if (message.kind === 'image') return `${mine}📷 ${message.body ?? 'Photo'}`
  return `${mine}${message.body ?? ''}`
}

const byActivity = (a: Conversation, b: Conversation) => b.lastActivityAt.localeCompare(a.lastActivityAt)

/**
 * My conversations (narrowed to one product with `productId`), latest activity first, live: an
 * `inbox` event on `user:<me>` sets that row's unread count at once, then the list is refetched for
 * its last message and order. The open thread reports its own changes through `update`.
 */
export function createInboxList(productId: () => string | undefined) {
  const [items, setItems] = createSignal<Conversation[] | null>(null)
  const [more, setMore] = createSignal<string | null>(null)
  const [error, setError] = createSignal<unknown>(null)
  // One refetch at a time; events during it ask for one more afterwards.
  let loading = false
  let again = false

  const load = async () => {
    if (loading) return void (again = true)
    loading = true
    try {
      const filter = productId()
      const page = await listConversations({ limit: PAGE, ...(filter === undefined ? {} : { productId: filter }) })
      setItems(page.items)
      setMore(page.nextCursor)
      setError(null)
    } catch (caught) {
      setError(caught)
    } finally {
      loading = false
      if (again) {
        again = false
        void load()
      }
    }
  }

  const loadMore = async () => {
    const cursor = more()
    if (cursor === null) return
    const filter = productId()
    const page = await listConversations({ limit: PAGE, cursor, ...(filter === undefined ? {} : { productId: filter }) })
    setItems((list) => [...(list ?? []), ...page.items.filter((c) => !list?.some((x) => x.id === c.id))])
    setMore(page.nextCursor)
  }

  /** Puts a conversation's latest state into its row (the open thread knows it first). */
  const update = (conversation: Conversation) =>
    setItems((list) => (list === null ? list : list.map((c) => (c.id === conversation.id ? conversation : c)).sort(byActivity)))

  useTopic(myTopic, {
    onEvent: (event) => {
      if (event.kind !== 'inbox') return
      setItems((list) => list?.map((c) => (c.id === event.data.conversationId ? { ...c, unread: event.data.unread } : c)) ?? null)
      void load()
    },
    ...rereading(() => void load()),
  })
  createEffect(on(productId, () => void load()))

  return { items, more, loadMore, error, update, reload: load }
}

export type InboxList = ReturnType<typeof createInboxList>

function Row(props: { conversation: Conversation; myId: string; selected: boolean }) {
  const c = () => props.conversation
  return (
    <li>
      <A href={`/inbox/${c().id}`} class="chat-row" classList={{ 'is-selected': props.selected, 'is-unread': c().unread > 0 }} aria-current={props.selected ? 'page' : undefined}>
        <span class="presence-anchor chat-row__thumb">
          <Img src={c().product.imageUrl} alt="" width={48} height={48} />
          <PresenceDot userId={c().other.id} class="presence--badge" />
        </span>
        <span class="chat-row__text">
          <span class="chat-row__top">
            <strong class="chat-row__name">{c().other.displayName}</strong>
            <time class="chat-row__time" datetime={c().lastActivityAt}>
              {timeAgo(c().lastActivityAt)}
            </time>
          </span>
          <span class="chat-row__product">{c().product.title}</span>
          <span class="chat-row__bottom">
            <span class="chat-row__last">{messagePreview(c().lastMessage, props.myId)}</span>
            <Show when={c().unread > 0}>
              <span class="chat-row__unread" aria-label={`${c().unread} unread`}>
                {c().unread > 99 ? '99+' : c().unread}
              </span>
            </Show>
          </span>
        </span>
      </A>
    </li>
  )
}

/**
 * The conversation list. A seller may group it by product; a group's heading narrows the list to
 * that product (`?productId=`, answered by the server).
 */
export function ChatList(props: { list: InboxList; myId: string; selectedId: string | null; productId: string | undefined }) {
  const [grouped, setGrouped] = createSignal(false)
  const items = () => props.list.items() ?? []
  const selling = () => items().some((c) => c.role === 'seller')
  const groups = createMemo(() => {
    const byProduct = new Map<string, Conversation[]>()
    for (const c of items()) byProduct.set(c.product.id, [...(byProduct.get(c.product.id) ?? []), c])
    return [...byProduct.values()]
  })
  const filtered = () => (props.productId === undefined ? null : (items()[0]?.product ?? null))
  const rows = (list: Conversation[]) => <For each={list}>{(c) => <Row conversation={c} myId={props.myId} selected={c.id === props.selectedId} />}</For>

  return (
    <section class="chat-list" aria-label="Conversations">
      <div class="chat-list__bar">
        <Show when={props.productId !== undefined} fallback={<h2 class="chat-list__title">Conversations</h2>}>
          <A href="/inbox" class="chat-filter" aria-label="Show all conversations">
            <Icon name="tag" />
            <span>{filtered()?.title ?? 'One product'}</span>
            <Icon name="close" />
          </A>
        </Show>
        <Show when={selling() && props.productId === undefined}>
          <button type="button" class="chat-toggle" aria-pressed={grouped()} onClick={() => setGrouped((g) => !g)}>
            Group by product
          </button>
        </Show>
      </div>
      <Show when={props.list.items() !== null} fallback={<Loading class="chat-list__loading" label="Loading conversations" rows={3} height="56px" />}>
        <Show
          when={items().length > 0}
          fallback={
            <EmptyState icon="chat" title="No conversations yet" headingLevel={3}>
              Start one from any product page with “Message seller”.
            </EmptyState>
          }
        >
          <Show when={grouped() && props.productId === undefined} fallback={<ul class="chat-rows">{rows(items())}</ul>}>
            <For each={groups()}>
              {(group) => (
                <div class="chat-group">
                  <A href={`/inbox?productId=${group[0]?.product.id ?? ''}`} class="chat-group__head">
                    <Img src={group[0]?.product.imageUrl} alt="" width={28} height={28} />
                    <span>{group[0]?.product.title}</span>
                    <span class="muted">{group.length}</span>
                  </A>
                  <ul class="chat-rows">{rows(group)}</ul>
                </div>
              )}
            </For>
          </Show>
          <Show when={props.list.more() !== null}>
            <div class="chat-list__more">
              <Button size="sm" variant="ghost" onClick={() => props.list.loadMore().catch((error: unknown) => toast(error instanceof Error ? error.message : 'Could not load more', 'error'))}>
                Load more conversations
              </Button>
            </div>
          </Show>
        </Show>
      </Show>
    </section>
  )
}
