import { createEffect, type JSX } from 'solid-js'
import { Icon } from './icons'

/**
 * A modal on the native <dialog>: the browser traps focus, closes on Escape and restores focus to
 * the opener, so keyboard users get the right behaviour without a focus-trap library.
 */
export function Dialog(props: { open: boolean; onClose: () => void; title: string; children: JSX.Element; footer?: JSX.Element; class?: string }) {
  let dialog: HTMLDialogElement | undefined
  const titleId = `dialog-${props.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
  createEffect(() => {
    if (dialog === undefined) return
    if (props.open && !dialog.open) dialog.showModal()
    if (!props.open && dialog.open) dialog.close()
  })
  return (
    <dialog
      ref={dialog}
      class={props.class === undefined ? 'dialog' : `dialog ${props.class}`}
      aria-labelledby={titleId}
      onClose={() => props.onClose()}
      onClick={(e) => {
        // A click on the backdrop lands on the <dialog> itself.
        if (e.target === dialog) props.onClose()
      }}
    >
      <div class="dialog__header">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" class="icon-button" aria-label="Close" onClick={() => props.onClose()}>
          <Icon name="close" />
        </button>
      </div>
      <div class="dialog__body">{props.children}</div>
      <div class="dialog__footer">{props.footer}</div>
    </dialog>
  )
}
