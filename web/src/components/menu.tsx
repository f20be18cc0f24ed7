import { createSignal, createUniqueId, type JSX, onCleanup, onMount, Show } from 'solid-js'

/**
 * A menu button (WAI-ARIA pattern): Enter/Space/ArrowDown open it on the first item, arrows move,
 * Escape closes and gives focus back to the button, a click outside or Tab away closes it.
 */
export function Menu(props: { label: string; button: JSX.Element; children: JSX.Element; buttonClass?: string }) {
  const id = createUniqueId()
  const [open, setOpen] = createSignal(false)
  let root: HTMLDivElement | undefined
  let trigger: HTMLButtonElement | undefined

  const items = () => [...(root?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])]
  const focusItem = (index: number) => {
    const list = items()
    list[(index + list.length) % list.length]?.focus()
  }
  const openMenu = (focusIndex: number) => {
    setOpen(true)
    focusItem(focusIndex)
  }
  const close = (returnFocus: boolean) => {
    setOpen(false)
    if (returnFocus) trigger?.focus()
  }

  onMount(() => {
    const onPointer = (e: PointerEvent) => {
      if (open() && root !== undefined && !root.contains(e.target as Node)) close(false)
    }
    document.addEventListener('pointerdown', onPointer)
    onCleanup(() => document.removeEventListener('pointerdown', onPointer))
  })

  const onListKey = (e: KeyboardEvent) => {
    const list = items()
    const index = list.indexOf(document.activeElement as HTMLElement)
    if (e.key === 'ArrowDown') focusItem(index + 1)
    else if (e.key === 'ArrowUp') focusItem(index - 1)
    else if (e.key === 'Home') focusItem(0)
    else if (e.key === 'End') focusItem(list.length - 1)
    else if (e.key === 'Escape') close(true)
    else if (e.key === 'Tab') return close(false)
    else return
    e.preventDefault()
  }

  return (
    <div class="menu" ref={root}>
      <button
        ref={trigger}
        type="button"
        class={props.buttonClass ?? 'icon-button'}
        aria-label={props.label}
        aria-haspopup="menu"
        aria-expanded={open()}
        aria-controls={id}
        onClick={() => (open() ? close(false) : openMenu(0))}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault()
            openMenu(e.key === 'ArrowDown' ? 0 : -1)
          }
        }}
      >
        {props.button}
      </button>
      <Show when={open()}>
        <div class="menu__list" id={id} role="menu" aria-label={props.label} onKeyDown={onListKey} onClick={(e) => (e.target as HTMLElement).closest('[role="menuitem"]') && close(false)}>
          {props.children}
        </div>
      </Show>
    </div>
  )
}
