import { createSignal, type JSX } from 'solid-js'
import { ApiError, fieldErrors } from '../lib/errors'
import { Button } from './button'
import { Dialog } from './dialog'
import { TextAreaField } from './field'
import { FormAlert } from './form'

/**
 * Asks for a reason before a decision that needs one (reject, suspend, cancel an order); the reason
 * is shown to the person it concerns (`hint` says who). `onSubmit` throws the server's error, shown
 * inline; resolving closes it.
 */
export function ReasonDialog(props: { title: string; open: boolean; onClose: () => void; confirm: string; intro?: JSX.Element; hint?: string; onSubmit: (reason: string) => Promise<unknown> }) {
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  return (
    <Dialog open={props.open} onClose={props.onClose} title={props.title}>
      <form
        class="stack"
        onSubmit={async (e) => {
          e.preventDefault()
          // Kept before the await: the event's currentTarget is null once its dispatch is over.
          const form = e.currentTarget
          const reason = String(new FormData(form).get('reason') ?? '').trim()
          setPending(true)
          setError(null)
          try {
            await props.onSubmit(reason)
            form.reset()
            props.onClose()
          } catch (caught) {
            setError(caught instanceof ApiError ? caught : new ApiError(0, 'unknown_error', 'Something went wrong. Try again.'))
          } finally {
            setPending(false)
          }
        }}
      >
        {props.intro}
        <FormAlert error={error()} fields={['reason']} />
        <TextAreaField label="Reason" name="reason" required minLength={3} maxLength={1000} rows={3} hint={props.hint ?? 'The shop owner sees this.'} error={fieldErrors(error()).reason} />
        <div class="row row--end">
          <Button variant="ghost" onClick={props.onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={pending()}>
            {props.confirm}
          </Button>
        </div>
      </form>
    </Dialog>
  )
}
