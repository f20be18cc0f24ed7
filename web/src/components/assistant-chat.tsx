import { A } from '@solidjs/router'
import { createEffect, createSignal, For, on, onMount, Show } from 'solid-js'
import { safeAnswer } from '../../../src/modules/assistant/markdown'
import { ASSISTANT_LIMITS } from '../../../src/modules/assistant/rules'
import { askAssistant, type AssistantHandoff, type AssistantMessage, type AssistantSession, talkToPerson, useAnswerDeltas } from '../lib/assistant'
import { fieldErrors } from '../lib/errors'
import { signedIn } from '../lib/session'
import { listMyOrdersForTicket } from '../lib/support'
import { Button, ButtonLink } from './button'
import { createRequestState } from './confirm-dialog'
import { Callout } from './feedback'
import { SelectField, TextField } from './field'
import { FormAlert, SubmitButton } from './form'
import { Markdown } from './markdown'
import { toastError } from './toast'
import { createTicketState, TicketThread } from './ticket-thread'

export type SessionRef = Pick<AssistantSession, 'id' | 'title' | 'guest'>

/** The order a conversation is about: the one it was handed off with, else the last one an answer cited. */
function orderOf(session: AssistantSession | null, messages: AssistantMessage[]): string | null {
  if (session?.orderId) return session.orderId
  const cited = messages.flatMap((m) => m.citations).map((c) => /^\/orders\/(ord_[0-9a-f]+)/.exec(c.url)?.[1])
  return cited.filter((id) => id !== undefined).pop() ?? null
}

/** One message: a question as typed, or an answer in Markdown with what it was drawn from. */
function Bubble(props: { message: Pick<AssistantMessage, 'role' | 'body' | 'citations'>; writing?: boolean }) {
  return (
    <li class={`assistant-bubble assistant-bubble--${props.message.role}`} aria-busy={props.writing === true}>
      <span class="visually-hidden">{props.message.role === 'user' ? 'You asked:' : 'Answer:'}</span>
      <Show when={props.message.role === 'assistant'} fallback={<p>{props.message.body}</p>}>
        <Show when={props.message.body !== ''} fallback={<p class="muted">Looking it up…</p>}>
          <Markdown source={props.message.body} />
        </Show>
        <Show when={props.message.citations.length > 0}>
          <ul class="assistant-sources" aria-label="Sources">
            <For each={props.message.citations}>
              {(citation) => (
                <li>
                  <A href={citation.url}>{citation.label}</A>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </li>
  )
}

/** A signed-in user's ticket, its replies live (`ticket:<id>`, as its page follows it). */
function TicketBox(props: { id: string; url: string }) {
  const { ticket, show } = createTicketState(props.id, null)
  return (
    <section class="stack stack--tight assistant-ticket" aria-label="Your ticket">
      <p>
        A person at Souk support answers here and on <A href={props.url}>your ticket</A>.
      </p>
      <Show when={ticket()}>{(t) => <TicketThread ticket={t()} token={null} onChange={show} />}</Show>
    </section>
  )
}

/**
 * "Talk to a person": a guest gives an email (the link to the ticket is mailed to it); a signed-in
 * user may name the order it is about (preselected: `orderId`). Asked again, the server answers
 * the same ticket.
 */
function HandOff(props: { sessionId: string; orderId: string | null; onDone: (handoff: AssistantHandoff, email: string | null) => void; onCancel: () => void }) {
  const request = createRequestState()
  // A signal, not a resource: a resource read would suspend the panel's <Suspense>, which takes
  // the <dialog> out of the document (and out of the top layer) while it waits.
  const [orders, setOrders] = createSignal<Awaited<ReturnType<typeof listMyOrdersForTicket>>>([])
  onMount(() => {
    if (signedIn()) listMyOrdersForTicket().then(setOrders, (error: unknown) => toastError(error, 'Could not load your orders'))
  })
  const options = () => [
    { value: '', label: 'No order' },
    ...orders().map((order) => ({
      value: order.id,
      label: `${order.invoiceNumber} · ${order.vendor.name}`,
    })),
  ]
  const submit = (e: SubmitEvent) => {
    e.preventDefault()
    const data = new FormData(e.currentTarget as HTMLFormElement)
    const orderId = String(data.get('orderId') ?? '')
    const email = signedIn() ? null : String(data.get('email') ?? '').trim()
    void request.run(async () => props.onDone(await talkToPerson(props.sessionId, email === null ? (orderId === '' ? {} : { orderId }) : { email }), email))
  }
  return (
    <form class="stack stack--tight" onSubmit={submit} aria-label="Talk to a person">
      <FormAlert error={request.error()} fields={['orderId', 'email']} />
      <Show
        when={signedIn()}
        fallback={<TextField label="Your email" name="email" type="email" required maxLength={254} autocomplete="email" hint="We email you a link to your ticket, with this conversation." error={fieldErrors(request.error()).email} />}
      >
        <SelectField label="Which order is it about?" name="orderId" value={props.orderId ?? ''} options={options()} hint="Souk support sees this conversation and the order." error={fieldErrors(request.error()).orderId} />
      </Show>
      <div class="row row--end">
        <Button variant="ghost" onClick={() => props.onCancel()}>
          Cancel
        </Button>
        <SubmitButton pending={request.pending()} pendingLabel="Opening…">
          Open a ticket
        </SubmitButton>
      </div>
    </form>
  )
}

/**
 * A conversation with the help assistant (`initial`, or a new one): its messages, the question
 * field, and the hand-off to a person with its ticket. Signed in, an answer a language model is
 * writing shows as it comes (`assistant.delta`); the HTTP answer then replaces it. `onSession`
 * hears of the session each answer belongs to (a first question starts one).
 */
export function Conversation(props: { initial: AssistantSession | null; autofocus?: boolean; onSession?: (session: SessionRef) => void }) {
  const [session, setSession] = createSignal<SessionRef | null>(props.initial)
  const [messages, setMessages] = createSignal<AssistantMessage[]>(props.initial?.messages ?? [])
  const [draft, setDraft] = createSignal<{
    question: string
    answer: string
  } | null>(null)
  const [ticket, setTicket] = createSignal(props.initial?.ticket ?? null)
  const [mailedTo, setMailedTo] = createSignal<string | null>(null)
  const [dispute, setDispute] = createSignal<AssistantHandoff['disputeOffer']>(null)
  const [handingOff, setHandingOff] = createSignal(false)
  const [text, setText] = createSignal('')
  const request = createRequestState()
  useAnswerDeltas((delta) => {
    const writing = draft()
    const current = session()
    if (writing !== null && (current === null || current.id === delta.sessionId)) setDraft({ ...writing, answer: writing.answer + delta.text })
  })
  const ask = (e: SubmitEvent) => {
    e.preventDefault()
    const question = text().trim()
    if (question === '' || draft() !== null) return
    const current = session()
    setDraft({ question, answer: '' })
    void request
      .run(async () => {
        const answered = await askAssistant({
          text: question,
          ...(current === null ? {} : { sessionId: current.id }),
        })
        setSession(answered.session)
        setMessages((list) => [...list, answered.question, answered.answer])
        setText('')
        props.onSession?.(answered.session)
      })
      .finally(() => setDraft(null))
  }
  let input!: HTMLInputElement
  let log!: HTMLDivElement
  // A new question, the answer as it is written, the final answer: the latest stays in view.
  createEffect(on([() => messages().length, draft], () => log.lastElementChild?.scrollIntoView({ block: 'end' }), { defer: true }))
  // Shown in the panel once its conversation is read (after the dialog took the focus): the question field takes it.
  onMount(() => props.autofocus === true && input.focus())
  const lastOffersPerson = () => messages().at(-1)?.offerPerson === true
  return (
    <div class="stack assistant-chat">
      <div ref={log} role="log" aria-label="Conversation">
        <Show when={messages().length > 0 || draft() !== null} fallback={<p class="muted">Ask about buying, paying, shipping, returns, your orders or your account.</p>}>
          <ol class="assistant-log">
            <For each={messages()}>{(message) => <Bubble message={message} />}</For>
            <Show when={draft()}>
              {(writing) => (
                <>
                  <Bubble
                    message={{
                      role: 'user',
                      body: writing().question,
                      citations: [],
                    }}
                  />
                  <Bubble
                    message={{
                      role: 'assistant',
                      // Cleaned as the server cleans the final answer: the model's raw words never show a foreign link.
                      body: safeAnswer(writing().answer),
                      citations: [],
                    }}
                    writing
                  />
                </>
              )}
            </Show>
          </ol>
        </Show>
      </div>
      <Show
        when={ticket()}
        fallback={
          <Show
            when={session()}
            fallback={
              <p class="muted">
                Rather ask a person? <A href="/help/contact">Contact support</A>.
              </p>
            }
          >
            {(current) => (
              <Show
                when={handingOff()}
                fallback={
                  <div class="row">
                    <Button variant={lastOffersPerson() ? 'primary' : 'secondary'} size="sm" onClick={() => setHandingOff(true)}>
                      Talk to a person
                    </Button>
                  </div>
                }
              >
                <HandOff
                  sessionId={current().id}
                  orderId={orderOf(props.initial, messages())}
                  onCancel={() => setHandingOff(false)}
                  onDone={(handoff, email) => {
                    setTicket({ id: handoff.ticketId, url: handoff.ticketUrl })
                    setMailedTo(email)
                    setDispute(handoff.disputeOffer)
                    setHandingOff(false)
                  }}
                />
              </Show>
            )}
          </Show>
        }
      >
        {(open) => (
          <Show
            when={!(session()?.guest ?? false)}
            fallback={
              <Callout tone="success">
                <p>
                  Your ticket is open: we emailed you a link to it
                  {mailedTo() === null ? '' : ` at ${mailedTo()}`}. A person at Souk support answers there.
                </p>
              </Callout>
            }
          >
            <TicketBox id={open().id} url={open().url} />
          </Show>
        )}
      </Show>
      <Show when={dispute()}>
        {(offer) => (
          <Callout tone="danger">
            <p>Your payment for this order is still held. If it did not arrive, or not as described, you can open a dispute instead.</p>
            <ButtonLink size="sm" href={offer().url}>
              Open a dispute instead
            </ButtonLink>
          </Callout>
        )}
      </Show>
      <form class="assistant-ask" onSubmit={ask} aria-label="Ask the help assistant">
        <FormAlert error={request.error()} fields={['text']} />
        <div class="row">
          <label class="visually-hidden" for="assistant-question">
            Your question
          </label>
          <input
            id="assistant-question"
            class="input"
            name="text"
            autocomplete="off"
            required
            maxLength={ASSISTANT_LIMITS.questionMax}
            placeholder="Ask a question…"
            ref={input}
            value={text()}
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <SubmitButton pending={draft() !== null} pendingLabel="Asking…">
            Ask
          </SubmitButton>
        </div>
      </form>
    </div>
  )
}
