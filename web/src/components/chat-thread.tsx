import { A } from '@solidjs/router'
import { type Accessor, createComputed, createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js'
import type { ChatMessage, Conversation } from '../../../src/modules/chat/item'
import { blockUser, confirmReceipt, confirmSale, unblockUser } from '../lib/api'
import { formatPrice } from '../lib/catalog'
import { ApiError } from '../lib/errors'
import { Button } from './button'
import { TRANSACTION_STATUS_LABEL } from './chat-labels'
import { MessageView, PendingView } from './chat-message'
import { createThread, type Thread } from './chat-thread-state'
import { Badge } from './feedback'
import { Icon } from './icons'
import { Img } from './media'
import { Menu } from './menu'
import { PresenceDot } from './presence'
import { toast } from './toast'

const DAY = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
const dayOf = (iso: string) => new Date(iso).toDateString()

/** "Today", "Yesterday", or the date: the separator above a day's first message. */
function dayLabel(iso: string): string {
  const day = dayOf(iso)
  if (day === new Date().toDateString()) return 'Today'
  if (day === new Date(Date.now() - 86_400_000).toDateString()) return 'Yesterday'
  return DAY.format(new Date(iso))
}

const isNotFound = (error: unknown) => error instanceof ApiError && error.type === 'not_found'
const complain = (error: unknown, fallback: string) => toast(error instanceof Error ? error.message : fallback, 'error')

function Header(props: { thread: Thread; conversation: Conversation }) {
  const c = () => props.conversation
  const [busy, setBusy] = createSignal(false)
  const step = async (run: (id: string) => Promise<Conversation>) => {
    setBusy(true)
    try {
      props.thread.setConversation(await run(c().id))
    } catch (error) {
      complain(error, 'That did not work; try again.')
    } finally {
      setBusy(false)
    }
  }
  const toggleBlock = async () => {
    try {
      if (c().blockedByMe) await unblockUser(c().other.id)
      else await blockUser(c().other.id)
      await props.thread.reload()
    } catch (error) {
      complain(error, 'That did not work; try again.')
    }
  }
  return (
    <header class="chat-head">
      <A href="/inbox" class="icon-button chat-head__back" aria-label="Back to conversations">
        <Icon name="chevronLeft" />
      </A>
      <A href={`/products/${c().product.slug}`} class="chat-head__product">
        <Img src={c().product.imageUrl} alt="" width={48} height={48} />
        <span class="chat-head__text">
          <strong>{c().product.title}</strong>
          <span class="chat-head__meta">
            {formatPrice(c().product.priceMinor, c().product.currency)}
            <Show when={c().product.status !== 'active'}>
              <Badge tone="warning">{c().product.status}</Badge>
            </Show>
          </span>
        </span>
      </A>
      <div class="chat-head__who">
        <span class="chat-head__name">
          {c().other.displayName}
          <span class="muted"> · {c().role === 'buyer' ? 'seller' : 'buyer'}</span>
        </span>
        <PresenceDot userId={c().other.id} withLabel />
      </div>
      <div class="chat-head__actions">
        <span class="chat-deal" data-status={c().transaction}>
          <Badge tone={c().transaction === 'completed' ? 'success' : c().transaction === 'none' ? 'neutral' : 'primary'}>{TRANSACTION_STATUS_LABEL[c().transaction]}</Badge>
        </span>
        <Show when={c().role === 'seller' && c().transaction === 'none' && !c().blocked}>
          <Button size="sm" variant="primary" disabled={busy()} onClick={() => void step(confirmSale)}>
            Confirm sale
          </Button>
        </Show>
        <Show when={c().role === 'buyer' && c().transaction === 'sale_confirmed'}>
          <Button size="sm" variant="primary" disabled={busy()} onClick={() => void step(confirmReceipt)}>
            Confirm receipt
          </Button>
        </Show>
        <Menu label="Conversation actions" buttonClass="icon-button" button={<span aria-hidden="true">⋯</span>}>
          <button type="button" class="menu__item" role="menuitem" tabindex="-1" onClick={() => void toggleBlock()}>
            <Icon name="shield" /> {c().blockedByMe ? `Unblock ${c().other.displayName}` : `Block ${c().other.displayName}`}
          </button>
        </Menu>
      </div>
    </header>
  )
}

function Composer(props: { thread: Thread; disabled: boolean }) {
  const [text, setText] = createSignal('')
  const [file, setFile] = createSignal<File | null>(null)
  const preview = createMemo<string | null>((previous) => {
    if (previous) URL.revokeObjectURL(previous)
    const chosen = file()
    return chosen === null ? null : URL.createObjectURL(chosen)
  }, null)
  onCleanup(() => {
    const url = preview()
    if (url !== null) URL.revokeObjectURL(url)
  })
  let input: HTMLTextAreaElement | undefined
  let picker: HTMLInputElement | undefined

  const submit = () => {
    const body = text().trim()
    if (props.disabled || (body === '' && file() === null)) return
    props.thread.stopTyping()
    props.thread.send(body, file())
    setText('')
    setFile(null)
    if (picker !== undefined) picker.value = ''
    input?.focus()
  }

  return (
    <form
      class="chat-compose"
      onSubmit={(e) => {
        e.preventDefault()
        submit()
      }}
    >
      <Show when={preview()}>
        {(url) => (
          <div class="chat-compose__preview">
            <img src={url()} alt="Photo to send" />
            <button type="button" class="icon-button" aria-label="Remove photo" onClick={() => setFile(null)}>
              <Icon name="close" />
            </button>
          </div>
        )}
      </Show>
      <div class="chat-compose__row">
        <label class="icon-button chat-compose__attach" title="Attach a photo">
          <Icon name="image" />
          <span class="visually-hidden">Attach a photo</span>
          <input ref={picker} type="file" accept="image/jpeg,image/png,image/webp,image/gif" disabled={props.disabled} onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        </label>
        <label for="chat-input" class="visually-hidden">
          Message
        </label>
        <textarea
          ref={input}
          id="chat-input"
          class="input chat-compose__input"
          rows={1}
          maxLength={4000}
          placeholder={props.disabled ? 'You can no longer message each other' : 'Write a message'}
          disabled={props.disabled}
          value={text()}
          onInput={(e) => {
            setText(e.currentTarget.value)
            if (e.currentTarget.value !== '') props.thread.typing()
          }}
          onKeyDown={(e) => {
            // Enter sends; Shift+Enter (or composing with an IME) makes a new line.
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault()
              submit()
            }
          }}
        />
        <Button type="submit" variant="primary" disabled={props.disabled || (text().trim() === '' && file() === null)} aria-label="Send">
          <Icon name="arrowUp" />
        </Button>
      </div>
    </form>
  )
}

/** The receipt to show under a message of mine: "Read" under the last one read, "Delivered" under my last otherwise. */
function receipts(messages: ChatMessage[], myId: string, c: Conversation): Map<string, 'Read' | 'Delivered'> {
  const mine = messages.filter((m) => m.senderId === myId && m.kind !== 'system')
  const result = new Map<string, 'Read' | 'Delivered'>()
  const read = mine.filter((m) => m.seq <= c.otherReadSeq).at(-1)
  if (read !== undefined) result.set(read.id, 'Read')
  const last = mine.at(-1)
  if (last !== undefined && last !== read && last.seq <= c.otherDeliveredSeq) result.set(last.id, 'Delivered')
  return result
}

/** An open conversation: product header, history (older pages load when scrolled to the top), composer. */
export function ChatThread(props: { id: string; myId: string; onChange: (conversation: Conversation) => void }) {
  const thread = createThread(props.id, props.myId)
  let scroller: HTMLDivElement | undefined
  let sentinel: HTMLDivElement | undefined
  const nearBottom = () => scroller === undefined || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120

  createEffect(on(thread.conversation, (c) => c !== null && props.onChange(c), { defer: true }))

  // New messages keep the view at the bottom when it was there before they came (or when they are
  // mine). Where it was is measured as the change comes, before it reaches the page: a flag kept
  // from scroll events is a frame late, and a re-read landing in the frame of the reader's scroll
  // up would pull the view back down (and the older page would never load).
  const last = createMemo(() => thread.messages().at(-1)?.id)
  const changes: [Accessor<string | undefined>, Accessor<number>, Accessor<boolean>] = [last, () => thread.pending().length, thread.otherTyping]
  let atBottom = true
  createComputed(on(changes, () => void (atBottom = nearBottom())))
  createEffect(
    on(changes, () => {
      if (scroller !== undefined && (atBottom || thread.pending().length > 0)) scroller.scrollTop = scroller.scrollHeight
    }),
  )
  // The top of the history in view loads the page before it, keeping what is on screen still.
  const loadOlderKeepingPlace = async () => {
    if (scroller === undefined || thread.older() === null || thread.loadingOlder()) return
    const before = scroller.scrollHeight - scroller.scrollTop
    await thread.loadOlder().catch((error: unknown) => complain(error, 'Could not load older messages'))
    scroller.scrollTop = scroller.scrollHeight - before
  }
  // Scrolling to the top loads at once: the observer below may never see the top leave and come
  // back when a scroll to the bottom and one to the top fall between two of its frames.
  const onScroll = () => {
    if (scroller !== undefined && scroller.scrollTop < 40) void loadOlderKeepingPlace()
  }

  // The top coming into view without a scroll (a history shorter than the view) loads too.
  onMount(() => {
    if (sentinel === undefined || scroller === undefined) return
    const observer = new IntersectionObserver(
      ([entry]) => {
        if (entry?.isIntersecting === true) void loadOlderKeepingPlace()
      },
      { root: scroller },
    )
    observer.observe(sentinel)
    onCleanup(() => observer.disconnect())
  })

  const receiptOf = createMemo(() => {
    const c = thread.conversation()
    return c === null ? new Map<string, 'Read' | 'Delivered'>() : receipts(thread.messages(), props.myId, c)
  })

  return (
    <section class="chat-thread" aria-label="Conversation">
      <Show when={thread.conversation()}>{(c) => <Header thread={thread} conversation={c()} />}</Show>
      <Show when={thread.conversation() === null && thread.error()}>
        {(error) => (
          <p class="chat-thread__error" role="alert">
            {isNotFound(error()) ? 'This conversation does not exist, or is not yours.' : 'Could not load this conversation.'}
          </p>
        )}
      </Show>
      <div class="chat-scroll" ref={scroller} onScroll={onScroll}>
        <div ref={sentinel} class="chat-scroll__top">
          <Show when={thread.loadingOlder()}>
            <span class="muted">Loading older messages…</span>
          </Show>
        </div>
        <ol class="chat-msgs" aria-label="Messages" aria-live="polite">
          <For each={thread.messages()}>
            {(m, i) => (
              <>
                <Show when={i() === 0 || dayOf(thread.messages()[i() - 1]?.createdAt ?? '') !== dayOf(m.createdAt)}>
                  <li class="chat-day">
                    <span>{dayLabel(m.createdAt)}</span>
                  </li>
                </Show>
                <MessageView message={m} mine={m.senderId === props.myId} receipt={receiptOf().get(m.id) ?? null} />
              </>
            )}
          </For>
          <For each={thread.pending()}>{(p) => <PendingView item={p} onRetry={() => thread.retry(p.clientId)} />}</For>
        </ol>
      </div>
      <Show when={thread.otherTyping() && thread.conversation()}>
        {(c) => (
          <p class="chat-typing" role="status">
            {c().other.displayName} is typing…
          </p>
        )}
      </Show>
      <Show when={thread.conversation()?.blocked}>
        <p class="chat-blocked" role="note">
          <Icon name="shield" /> {thread.conversation()?.blockedByMe ? 'You blocked this person. Unblock them to write again.' : 'You can no longer message each other.'}
        </p>
      </Show>
      <Composer thread={thread} disabled={thread.conversation()?.blocked ?? true} />
    </section>
  )
}
