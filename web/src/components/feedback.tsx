import { type Accessor, type JSX, Show, untrack } from 'solid-js'
import { Icon, type IconName } from './icons'

export function EmptyState(props: { icon: IconName; title: string; children: JSX.Element; actions?: JSX.Element; headingLevel?: 2 | 3 }) {
  return (
    <div class="empty">
      <div class="empty__icon">
        <Icon name={props.icon} />
      </div>
      {props.headingLevel === 3 ? <h3>{props.title}</h3> : <h2>{props.title}</h2>}
      <p>{props.children}</p>
      <Show when={props.actions}>
        <div class="row">{props.actions}</div>
      </Show>
    </div>
  )
}

export function Skeleton(props: { width?: string; height?: string; radius?: string }) {
  return <span class="skeleton" aria-hidden="true" style={{ width: props.width ?? '100%', height: props.height ?? '1em', 'border-radius': props.radius }} />
}

/** Placeholder rows, announced as busy under `label`; `heading` puts a title line above them. */
export function Loading(props: { label: string; rows?: number; height: string; class?: string; heading?: boolean }) {
  return (
    <div class={props.class ?? 'stack'} aria-busy="true" aria-label={props.label}>
      <Show when={props.heading}>
        <Skeleton width="40%" height="22px" />
      </Show>
      {Array.from({ length: props.rows ?? 2 }, () => <Skeleton height={props.height} />)}
    </div>
  )
}

/**
 * A list as it is read: `loading` until it is there, `empty` when it has nothing, else `children`
 * with its items, called untracked (as Show calls its own): a signal it reads does not rebuild the list.
 */
export function Listed<T>(props: { items: T[] | null | undefined; loading: JSX.Element; empty: JSX.Element; children: (items: Accessor<T[]>) => JSX.Element }) {
  return (
    <Show when={props.items} fallback={props.loading}>
      {(items) => (
        <Show when={items().length > 0} fallback={props.empty}>
          {untrack(() => props.children(items))}
        </Show>
      )}
    </Show>
  )
}

export type Tone = 'neutral' | 'primary' | 'success' | 'warning' | 'danger'

export function Badge(props: { tone?: Tone; children: JSX.Element }) {
  return <span class={props.tone === undefined || props.tone === 'neutral' ? 'badge' : `badge badge--${props.tone}`}>{props.children}</span>
}

const CALLOUT_ICONS = { info: 'info', success: 'check', danger: 'alert' } as const
const CALLOUT_ROLES = { info: 'note', success: 'status', danger: 'alert' } as const

/**
 * A boxed message. `success` is announced politely (role=status) and `danger` at once
 * (role=alert): forms use them to say what happened after a submit.
 */
export function Callout(props: { tone?: keyof typeof CALLOUT_ICONS; children: JSX.Element }) {
  const tone = () => props.tone ?? 'info'
  return (
    <div class={`callout callout--${tone()}`} role={CALLOUT_ROLES[tone()]}>
      <Icon name={CALLOUT_ICONS[tone()]} />
      <div class="callout__body">{props.children}</div>
    </div>
  )
}

/** Determinate progress (0–100), announced as a progressbar. */
export function Progress(props: { label: string; value: number }) {
  const clamped = () => Math.max(0, Math.min(100, Math.round(props.value)))
  return (
    <div class="progress">
      <div class="progress__label">
        <span>{props.label}</span>
        <span class="muted">{clamped()}%</span>
      </div>
      <div class="progress__track" role="progressbar" aria-label={props.label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={clamped()}>
        <div class="progress__bar" style={{ width: `${clamped()}%` }} />
      </div>
    </div>
  )
}
