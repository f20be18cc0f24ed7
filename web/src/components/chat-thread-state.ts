import { batch, createSignal, onCleanup } from 'solid-js'
import type { ChatMessage, Conversation } from '../../../src/modules/chat/item'
import { getConversation, listMessages, markConversationRead, sendChatImage, sendChatText } from '../lib/api'
import { askLive, type EventOf, LiveError, liveState, rereading, sendLive, useTopic } from '../lib/live'

/** A message of mine not yet stored: shown at once, then replaced by the stored one (same clientId). */
export interface PendingMessage {
  clientId: string
  body: string
  file: File | null
  /** Object URL of the picture being sent, for its preview. */
  preview: string | null
  state: 'sending' | 'failed'
}

const PAGE = 30
const TYPING_REPEAT_MS = 3000
const TYPING_IDLE_MS = 4000

/**
 * Sends text over the socket (`chat.send`, answered by an ack with the stored message), or over
 * REST when there is no socket or no answer in time: the same clientId makes the second try safe.
 */
async function sendText(conversationId: string, clientId: string, body: string): Promise<ChatMessage> {
  try {
    const answer = await askLive({ type: 'chat.send', conversationId, clientId, body })
    if (answer.type === 'ack' && answer.of === 'chat.send') return answer.message
  } catch (error) {
    // The server refused it (blocked, not found): REST would answer the same.
    if (error instanceof LiveError) throw error
  }
  return sendChatText(conversationId, clientId, body)
}

/** My read pointer forward to `upTo`: `chat.read` on the socket, REST without one. */
async function sendRead(conversationId: string, upTo: number): Promise<void> {
  try {
    await askLive({ type: 'chat.read', conversationId, upTo })
  } catch (error) {
    if (error instanceof LiveError) throw error
    await markConversationRead(conversationId, upTo)
  }
}

/** A UUID without needing a secure context (crypto.randomUUID is missing on plain-http origins). */
function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** Inserts or replaces by id, keeping seq order (events and pages may overlap or arrive late). */
function upsert(list: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const byId = new Map(list.map((m) => [m.id, m]))
  for (const m of incoming) byId.set(m.id, m)
  return [...byId.values()].sort((a, b) => a.seq - b.seq)
}

/**
 * One open conversation: its header, its history (pages upward by cursor), my pending sends, and
 * what `conversation:<id>` says live (messages, deletions, receipts, transaction steps, typing).
 * Text and receipts go over the socket, REST when it is down; photos always over REST (multipart).
 */
export function createThread(id: string, myId: string) {
  const [conversation, setConversation] = createSignal<Conversation | null>(null)
  const [messages, setMessages] = createSignal<ChatMessage[]>([])
  const [pending, setPending] = createSignal<PendingMessage[]>([])
  const [older, setOlder] = createSignal<string | null>(null)
  const [loadingOlder, setLoadingOlder] = createSignal(false)
  const [error, setError] = createSignal<unknown>(null)
  const [otherTyping, setOtherTyping] = createSignal(false)
  let typingTimer: ReturnType<typeof setTimeout> | undefined
  let readSent = 0

  const patch = (change: Partial<Conversation>) => setConversation((c) => (c === null ? c : { ...c, ...change }))

  /** Tells the server I have seen everything shown (only forward, and only once per seq). */
  const markSeen = () => {
    const last = messages().at(-1)
    if (last === undefined || last.seq <= readSent || document.visibilityState !== 'visible') return
    readSent = last.seq
    patch({ myReadSeq: last.seq, unread: 0 })
    sendRead(id, last.seq).catch(() => (readSent = 0))
  }

  // Reads can overlap (opened before the socket, then again once live): only the latest one lands.
  let loads = 0
  const load = async () => {
    const current = ++loads
    try {
      const [head, page] = await Promise.all([getConversation(id), listMessages(id, { limit: PAGE })])
      if (current !== loads) return
      batch(() => {
        setConversation(head)
        setMessages((list) => upsert(list, page.items))
        setOlder(page.nextCursor)
        setError(null)
      })
      markSeen()
    } catch (caught) {
      if (current === loads) setError(caught)
    }
  }

  const loadOlder = async () => {
    const cursor = older()
    if (cursor === null || loadingOlder()) return
    setLoadingOlder(true)
    try {
      const page = await listMessages(id, { limit: PAGE, cursor })
      batch(() => {
        setMessages((list) => upsert(list, page.items))
        setOlder(page.nextCursor)
      })
    } finally {
      setLoadingOlder(false)
    }
  }

  const onEvent = (event: EventOf<'conversation'>) => {
    switch (event.kind) {
      case 'message': {
        const message = event.data
        batch(() => {
          setMessages((list) => upsert(list, [message]))
          if (message.clientId !== null) setPending((list) => list.filter((p) => p.clientId !== message.clientId))
          patch({ lastMessage: message, lastSeq: Math.max(conversation()?.lastSeq ?? 0, message.seq) })
          if (message.senderId !== myId) setOtherTyping(false)
        })
        if (message.senderId !== myId) markSeen()
        return
      }
      case 'message.deleted':
        return setMessages((list) => list.map((m) => (m.id === event.data.messageId ? { ...m, deleted: true, body: null, image: null } : m)))
      case 'read':
        if (event.data.userId !== myId) patch({ otherReadSeq: event.data.readSeq, otherDeliveredSeq: event.data.deliveredSeq })
        return
      case 'transaction':
        return patch({ transaction: event.data.status })
      case 'typing': {
        if (event.data.userId === myId) return
        clearTimeout(typingTimer)
        setOtherTyping(event.data.typing)
        // The event says when it lapses: a sender that vanished mid-sentence does not type forever.
        if (event.data.typing) typingTimer = setTimeout(() => setOtherTyping(false), Math.max(0, Date.parse(event.data.expiresAt) - Date.now()))
        return
      }
    }
  }

  // The history is read once the conversation is followed live (onLive, after every (re)connect):
  // what is committed after that comes as an event, so nothing falls between the page and the
  // live feed. Without an open socket it is read at once, and again when the socket comes.
  useTopic(() => `conversation:${id}` as const, { onEvent, ...rereading(() => void load()) })
  if (liveState() !== 'open') void load()

  const onVisible = () => markSeen()
  document.addEventListener('visibilitychange', onVisible)
  onCleanup(() => {
    clearTimeout(typingTimer)
    document.removeEventListener('visibilitychange', onVisible)
    for (const p of pending()) if (p.preview !== null) URL.revokeObjectURL(p.preview)
  })

  const deliver = async (item: PendingMessage) => {
    setPending((list) => list.map((p) => (p.clientId === item.clientId ? { ...p, state: 'sending' } : p)))
    try {
      const stored = item.file === null ? await sendText(id, item.clientId, item.body) : await sendChatImage(id, item.clientId, item.file, item.body === '' ? undefined : item.body)
      batch(() => {
        setMessages((list) => upsert(list, [stored]))
        setPending((list) => list.filter((p) => p.clientId !== item.clientId))
      })
      if (item.preview !== null) URL.revokeObjectURL(item.preview)
    } catch {
      setPending((list) => list.map((p) => (p.clientId === item.clientId ? { ...p, state: 'failed' } : p)))
    }
  }

  /** Shows the message at once and sends it; a failure leaves it marked, for `retry`. */
  const send = (body: string, file: File | null = null) => {
    const item: PendingMessage = { clientId: uuid(), body, file, preview: file === null ? null : URL.createObjectURL(file), state: 'sending' }
    setPending((list) => [...list, item])
    void deliver(item)
  }

  /** Sends a failed message again with the same client id: the server never stores it twice. */
  const retry = (clientId: string) => {
    const item = pending().find((p) => p.clientId === clientId)
    if (item !== undefined) void deliver(item)
  }

  // Typing is announced at most every TYPING_REPEAT_MS while keys come, and stopped after a pause.
  let typingSince = 0
  let idleTimer: ReturnType<typeof setTimeout> | undefined
  const stopTyping = () => {
    clearTimeout(idleTimer)
    if (typingSince === 0) return
    typingSince = 0
    sendLive({ type: 'typing', topic: `conversation:${id}`, typing: false })
  }
  const typing = () => {
    clearTimeout(idleTimer)
    idleTimer = setTimeout(stopTyping, TYPING_IDLE_MS)
    if (Date.now() - typingSince < TYPING_REPEAT_MS) return
    typingSince = Date.now()
    sendLive({ type: 'typing', topic: `conversation:${id}`, typing: true })
  }
  onCleanup(stopTyping)

  return { conversation, setConversation, messages, pending, older, loadOlder, loadingOlder, error, otherTyping, send, retry, typing, stopTyping, reload: load }
}

export type Thread = ReturnType<typeof createThread>
