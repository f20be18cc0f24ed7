import { A } from '@solidjs/router'
import { type JSX, splitProps } from 'solid-js'

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger'
type Size = 'sm' | 'md' | 'lg'

interface Look {
  variant?: Variant
  size?: Size
  block?: boolean
}

function classes(look: Look, extra?: string): string {
  const parts = ['btn', `btn--${look.variant ?? 'secondary'}`]
  if (look.size !== undefined && look.size !== 'md') parts.push(`btn--${look.size}`)
  if (look.block === true) parts.push('btn--block')
  if (extra !== undefined) parts.push(extra)
  return parts.join(' ')
}

export function Button(props: Look & JSX.ButtonHTMLAttributes<HTMLButtonElement>) {
  const [look, rest] = splitProps(props, ['variant', 'size', 'block', 'class'])
  return <button type="button" {...rest} class={classes(look, look.class)} />
}

/** A link that looks like a button; router-aware, so it navigates client-side after hydration. */
export function ButtonLink(props: Look & { href: string; class?: string; children: JSX.Element }) {
  const [look, rest] = splitProps(props, ['variant', 'size', 'block', 'class'])
  return <A {...rest} class={classes(look, look.class)} />
}
