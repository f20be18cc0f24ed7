import { createSignal, type JSX } from 'solid-js'
import { Button } from './button'
import { Dialog } from './dialog'
import { FormAlert } from './form'

/**
 * A dialog's request: whether it is on its way, and the error it failed with (for a FormAlert).
 * `run` starts it afresh and answers whether it succeeded; `clear` forgets the error.
 */
export function createRequestState() {
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  const run = async (request: () => Promise<unknown>): Promise<boolean> => {
    setPending(true)
    setError(null)
    try {
      await request()
      return true
    } catch (caught) {
      setError(caught)
      return false
    } finally {
      setPending(false)
    }
  }
  return { error, pending, run, clear: () => setError(null) }
}

/**
 * A step asked once more (it cannot be undone): `children` say what it does, `keep` backs out and
 * `confirm` takes it (`pendingLabel` while it is on its way). `onConfirm` throws the server's
 * error, shown in the dialog; resolving closes it.
 */
export function ConfirmDialog(props: {
  title: string
  open: boolean
  onClose: () => void
  children: JSX.Element
  keep: string
  confirm: string
  pendingLabel?: string
  onConfirm: () => Promise<unknown>
}) {
  const request = createRequestState()
  const close = () => {
    request.clear()
    props.onClose()
  }
  const confirm = async () => {
    if (await request.run(props.onConfirm)) close()
  }
  return (
    <Dialog open={props.open} onClose={close} title={props.title}>
      <div class="stack">
        {props.children}
        <FormAlert error={request.error()} />
        <div class="row row--end">
          <Button variant="ghost" onClick={close}>
            {props.keep}
          </Button>
          <Button variant="primary" disabled={request.pending()} aria-busy={request.pending()} onClick={() => void confirm()}>
            {request.pending() ? (props.pendingLabel ?? props.confirm) : props.confirm}
          </Button>
        </div>
      </div>
    </Dialog>
  )
}
