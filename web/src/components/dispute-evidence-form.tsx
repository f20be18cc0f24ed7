import { createMemo, createResource, createSignal, For, Match, Show, Switch } from 'solid-js'
import type { Conversation } from '../../../src/modules/chat/item'
import { listMessages } from '../lib/api'
import { addEvidence, addEvidencePhoto, findOrderConversation, QUOTED_FROM_LABEL, quotable, respondToDispute } from '../lib/disputes'
import { fieldErrors } from '../lib/errors'
import { timeAgo } from '../lib/format'
import type { Dispute } from '../lib/orders'
import type { DisputeSide } from './dispute-parts'
import { createRequestState } from './confirm-dialog'
import { Skeleton } from './feedback'
import { TextAreaField } from './field'
import { FileButton, PHOTO_TYPES } from './file-button'
import { createCursorPages, LoadMore } from './finance-parts'
import { FormAlert, SubmitButton } from './form'
import { Icon } from './icons'
import { toast, toastError } from './toast'

/** The conversation whose messages evidence may quote: the order's buyer's with its shop, about the order's first product. */
export interface QuoteSource {
  productId: string
  buyerId: string
}

/** As many messages as one entry may quote (the server's DisputesModel.evidenceBody). */
const QUOTE_LIMIT = 10
const PAGE = 20

/**
 * The latest words of the conversation, newest first in pages of PAGE, each with a checkbox:
 * `chosen` holds the ids to quote, at most QUOTE_LIMIT. `none` says there is nothing to quote.
 */
function MessageChoices(props: { conversation: Conversation; none: string; chosen: string[]; onChange: (ids: string[]) => void }) {
  const pages = createCursorPages({
    query: () => ({ id: props.conversation.id }),
    read: async ({ id, ...page }) => {
      const read = await listMessages(id, page)
      return { items: read.items.filter(quotable), nextCursor: read.nextCursor }
    },
    pageSize: PAGE,
    failed: { load: 'Could not load your messages', more: 'Could not load more messages' },
  })
  const toggle = (id: string, on: boolean) => props.onChange(on ? [...props.chosen, id] : props.chosen.filter((chosen) => chosen !== id))
  return (
    <Show when={pages.items()} fallback={<Skeleton height="48px" />}>
      {(items) => (
        <Show when={items().length > 0 || pages.hasMore()} fallback={<p class="muted">{props.none}</p>}>
          <div class="stack stack--tight" style={{ 'max-height': '360px', 'overflow-y': 'auto' }}>
            <For each={items()}>
              {(message) => (
                <label class="check checkout-choice">
                  <input
                    type="checkbox"
                    checked={props.chosen.includes(message.id)}
                    disabled={!props.chosen.includes(message.id) && props.chosen.length >= QUOTE_LIMIT}
                    onChange={(e) => toggle(message.id, e.currentTarget.checked)}
                  />
                  <span>
                    <span class="muted">
                      <strong>{QUOTED_FROM_LABEL[message.senderId === props.conversation.buyerId ? 'buyer' : 'seller']}</strong> ·{' '}
                      <time datetime={message.createdAt}>{timeAgo(message.createdAt)}</time>
                    </span>
                    <span style={{ 'white-space': 'pre-line', 'overflow-wrap': 'anywhere' }}>{message.body}</span>
                  </span>
                </label>
              )}
            </For>
            <LoadMore pages={pages} />
          </div>
        </Show>
      )}
    </Show>
  )
}

/** "Quote messages": those of the order's buyer with its shop (`from`), read by the buyer or the shop (`side`), or why there are none. */
function QuotePicker(props: { from: QuoteSource; side: 'buyer' | 'shop'; chosen: string[]; onChange: (ids: string[]) => void }) {
  // The order read again (a new object, the same buyer and product) does not look it up anew.
  const source = createMemo(() => props.from, undefined, { equals: (a, b) => a.productId === b.productId && a.buyerId === b.buyerId })
  const [conversation] = createResource(
    source,
    ({ productId, buyerId }) =>
      findOrderConversation(productId, buyerId).catch((error: unknown) => {
        toastError(error, 'Could not load your messages')
        return undefined
      }),
  )
  const none = () => `You have no messages with the ${props.side === 'buyer' ? 'shop' : 'buyer'} about this order.`
  return (
    <fieldset class="checkout-choices">
      <legend>
        Quote messages <span class="muted">(up to {QUOTE_LIMIT}: Souk reads them with your words)</span>
      </legend>
      <Switch>
        <Match when={conversation.loading}>
          <Skeleton height="48px" />
        </Match>
        <Match when={conversation() === null}>
          <p class="muted">{none()}</p>
        </Match>
        <Match when={conversation()}>{(found) => <MessageChoices conversation={found()} none={none()} chosen={props.chosen} onChange={props.onChange} />}</Match>
      </Switch>
    </fieldset>
  )
}

/**
 * Adds to an open dispute: words, which the buyer and the shop may back with messages of their
 * conversation (`quoteFrom`) quoted for the operator, and photos — one is added as soon as it is
 * chosen, with the words typed as its caption. The shop's first word is its response
 * (`respond`: sent to the response route), an admin's a note both sides read. The server's refusals show above the words;
 * each dispute it answers is handed to `onAdded`.
 */
export function EvidenceForm(props: { dispute: Dispute; side: DisputeSide; quoteFrom?: QuoteSource; onAdded: (dispute: Dispute) => void }) {
  const [text, setText] = createSignal('')
  const [chosen, setChosen] = createSignal<string[]>([])
  const request = createRequestState()
  const respond = () => props.dispute.actions.includes('respond')
  const label = () => (respond() ? 'Your response' : props.side === 'admin' ? 'Note to both sides' : 'Add to the dispute')
  const readers = () => (props.side === 'buyer' ? 'The shop and Souk read this.' : props.side === 'shop' ? 'The buyer and Souk read this.' : 'The buyer and the shop read this.')
  /** Runs one call that answers the dispute; the server's refusal is shown above the words. */
  const add = (call: () => Promise<Dispute>, done: string) =>
    request.run(async () => {
      props.onAdded(await call())
      toast(done, 'success')
    })
  const addPhoto = async (file: File) => {
    if (await add(() => addEvidencePhoto(props.dispute.id, file, text().trim()), 'Photo added to the dispute.')) setText('')
  }
  return (
    <form
      class="stack stack--tight"
      onSubmit={async (e) => {
        e.preventDefault()
        const messageIds = chosen()
        const done = respond() ? 'Response sent. The buyer and Souk are told.' : 'Added to the dispute.'
        const body = { text: text().trim(), ...(messageIds.length > 0 ? { messageIds } : {}) }
        if (await add(() => (respond() ? respondToDispute(props.dispute.id, body) : addEvidence(props.dispute.id, body)), done)) {
          setText('')
          setChosen([])
        }
      }}
    >
      <FormAlert error={request.error()} fields={['text']} />
      <TextAreaField
        label={label()}
        name="text"
        required
        minLength={3}
        maxLength={2000}
        rows={3}
        hint={`${readers()} A photo you add takes these words as its caption.`}
        value={text()}
        onInput={(e) => setText(e.currentTarget.value)}
        error={fieldErrors(request.error()).text}
      />
      <Show when={props.side !== 'admin' && props.quoteFrom}>
        {(from) => <QuotePicker from={from()} side={props.side === 'buyer' ? 'buyer' : 'shop'} chosen={chosen()} onChange={setChosen} />}
      </Show>
      <div class="row" style={{ 'justify-content': 'space-between' }}>
        <FileButton accept={PHOTO_TYPES} disabled={request.pending()} onFile={(file) => void addPhoto(file)}>
          <Icon name="camera" /> Add a photo
        </FileButton>
        <SubmitButton pending={request.pending()} variant={respond() ? 'primary' : 'secondary'}>
          {respond() ? 'Respond' : props.side === 'admin' ? 'Add the note' : 'Add to the dispute'}
        </SubmitButton>
      </div>
    </form>
  )
}
