import { type JSX, Show } from 'solid-js'
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

export type Tone = 'neutral' | 'primary' | 'success' | 'warning' | 'danger'

export function Badge(props: { tone?: Tone; children: JSX.Element }) {
  return <span class={props.tone === undefined || props.tone === 'neutral' ? 'badge' : `badge badge--${props.tone}`}>{props.children}</span>
}

export function Callout(props: { children: JSX.Element }) {
  return (
    <div class="callout" role="note">
      <Icon name="info" />
      <p>{props.children}</p>
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
