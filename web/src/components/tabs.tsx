import { createEffect, createSignal, createUniqueId, For, type JSX, on } from 'solid-js'

export interface TabItem {
  id: string
  label: string
  content: () => JSX.Element
}

/** WAI-ARIA tabs: one tab stop, arrows/Home/End move between tabs, the panel follows. A new `initial` (a link naming a tab) selects it. */
export function Tabs(props: { label: string; items: TabItem[]; initial?: string }) {
  const base = createUniqueId()
  const [active, setActive] = createSignal(props.initial ?? props.items[0]?.id ?? '')
  const tabs: HTMLButtonElement[] = []
  const current = () => props.items.find((item) => item.id === active()) ?? props.items[0]
  createEffect(on(() => props.initial, (initial) => initial !== undefined && setActive(initial), { defer: true }))

  const onKeyDown = (event: KeyboardEvent, index: number) => {
    const last = props.items.length - 1
    const target = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last }[event.key]
    if (target === undefined) return
    event.preventDefault()
    const item = props.items[target]
    if (item === undefined) return
    setActive(item.id)
    tabs[target]?.focus()
  }

  return (
    <div class="tabs">
      <div class="tabs__list" role="tablist" aria-label={props.label}>
        <For each={props.items}>
          {(item, index) => (
            <button
              ref={(el) => (tabs[index()] = el)}
              type="button"
              role="tab"
              class="tabs__tab"
              id={`${base}-tab-${item.id}`}
              aria-controls={`${base}-panel`}
              aria-selected={active() === item.id}
              tabindex={active() === item.id ? 0 : -1}
              onClick={() => setActive(item.id)}
              onKeyDown={(e) => onKeyDown(e, index())}
            >
              {item.label}
            </button>
          )}
        </For>
      </div>
      <div class="tabs__panel" role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${active()}`} tabindex={0}>
        {current()?.content()}
      </div>
    </div>
  )
}
