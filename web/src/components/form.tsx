import { type Accessor, createSignal, type JSX, onCleanup, onMount, Show, splitProps } from 'solid-js'
import { ApiError, formMessage } from '../lib/errors'
import { Button } from './button'
import { Callout } from './feedback'

/** `m:ss` for a wait in seconds. */
export function formatWait(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}

/** Seconds left until `until` (a ms timestamp), ticking once a second in the browser. */
export function createCountdown(until: Accessor<number>): Accessor<number> {
  const [now, setNow] = createSignal(Date.now())
  onMount(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    onCleanup(() => clearInterval(timer))
  })
  return () => Math.max(0, Math.ceil((until() - now()) / 1000))
}

/** The wait a 429 named, counting down, in place of the server's fixed "try again in N s". */
function RetryWait(props: { error: ApiError; seconds: number }) {
  const until = Date.now() + props.seconds * 1000
  const left = createCountdown(() => until)
  const reason = () => props.error.message.replace(/;\s*try again in \d+ s$/, '')
  return (
    <p>
      {reason()}. <strong>{left() > 0 ? `You can try again in ${formatWait(left())}.` : 'You can try again now.'}</strong>
    </p>
  )
}

/**
 * What went wrong with a submit, above the fields: the server's message, unless every problem is
 * already shown beside its input (`fields`); a 429 shows its wait counting down. `children` add
 * a way out (a link) under the message.
 */
export function FormAlert(props: { error: unknown; fields?: readonly string[]; children?: JSX.Element }) {
  const message = () => formMessage(props.error, props.fields ?? [])
  const retryAfter = () => (props.error instanceof ApiError ? props.error.facts.retryAfter : undefined)
  return (
    <Show when={message()}>
      {(text) => (
        <Callout tone="danger">
          <Show when={retryAfter()} keyed fallback={<p>{text()}</p>}>
            {(seconds) => <RetryWait error={props.error as ApiError} seconds={seconds} />}
          </Show>
          {props.children}
        </Callout>
      )}
    </Show>
  )
}

/**
 * A form's submit button: disabled until the page has hydrated (the forms call the API from
 * script; a submit before that would post to nowhere) and while the submit is in flight.
 */
export function SubmitButton(props: { pending?: boolean; pendingLabel?: string; children: JSX.Element } & Omit<Parameters<typeof Button>[0], 'type' | 'children'>) {
  const [own, rest] = splitProps(props, ['pending', 'pendingLabel', 'children', 'disabled'])
  const [ready, setReady] = createSignal(false)
  onMount(() => setReady(true))
  return (
    <Button variant="primary" {...rest} type="submit" disabled={!ready() || own.pending === true || own.disabled === true} aria-busy={own.pending === true}>
      {own.pending === true && own.pendingLabel !== undefined ? own.pendingLabel : own.children}
    </Button>
  )
}

/**
 * A form's submit: `pending` while `run` runs, the error it threw for FormAlert (cleared on the
 * next try), and `onSubmit` for the <form>, which keeps the browser from posting it.
 */
export function createSubmit(run: () => Promise<void>) {
  const [pending, setPending] = createSignal(false)
  const [error, setError] = createSignal<unknown>(null)
  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault()
    setPending(true)
    setError(null)
    try {
      await run()
    } catch (caught) {
      setError(caught)
    } finally {
      setPending(false)
    }
  }
  return { pending, error, onSubmit }
}
