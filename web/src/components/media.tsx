import { createSignal, onMount } from 'solid-js'

export const PRODUCT_FALLBACK = '/images/product-fallback.svg'
export const AVATAR_FALLBACK = '/images/avatar-fallback.svg'

/**
 * An image that swaps to a fallback when its source is missing or fails. A failure can happen
 * before hydration attaches the error handler, so the mounted image is checked once as well.
 */
export function Img(props: { src: string | null | undefined; alt: string; fallback?: string; class?: string; width?: number; height?: number; loading?: 'lazy' | 'eager' }) {
  const fallback = () => props.fallback ?? PRODUCT_FALLBACK
  const [failed, setFailed] = createSignal(false)
  let element: HTMLImageElement | undefined
  onMount(() => {
    if (element !== undefined && element.complete && element.naturalWidth === 0) setFailed(true)
  })
  return (
    <img
      ref={element}
      src={failed() || props.src == null || props.src === '' ? fallback() : props.src}
      alt={props.alt}
      class={props.class}
      width={props.width}
      height={props.height}
      loading={props.loading ?? 'lazy'}
      decoding="async"
      onError={() => setFailed(true)}
    />
  )
}

export function Avatar(props: { src?: string | null; name: string; size?: number }) {
  const size = () => props.size ?? 40
  return <Img class="avatar" src={props.src} fallback={AVATAR_FALLBACK} alt={props.name} width={size()} height={size()} />
}
