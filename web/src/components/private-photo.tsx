import { createResource, createSignal, onCleanup, Show } from 'solid-js'
import { fetchPrivateImage } from '../lib/api'
import { Dialog } from './dialog'

/**
 * A photo only some may see (a chat message's, a return's): fetched with the access token (and
 * `headers`) into an object URL, freed with the component. A button (`class`, `label`) of the
 * photo's proportions shows it once loaded; one that does not load stays empty (its failed request
 * is logged). Opens full size.
 */
export function PrivatePhoto(props: { url: string; width: number; height: number; alt: string; label: string; class: string; headers?: Record<string, string> }) {
  const [src] = createResource(() => props.url, (url) => fetchPrivateImage(url, props.headers).catch(() => null))
  const [open, setOpen] = createSignal(false)
  onCleanup(() => {
    const url = src()
    if (typeof url === 'string') URL.revokeObjectURL(url)
  })
  return (
    <>
      <button type="button" class={props.class} style={{ 'aspect-ratio': `${props.width} / ${props.height}` }} onClick={() => setOpen(true)} aria-label={props.label}>
        <Show when={src()} fallback={<span class="chat-photo__placeholder" aria-hidden="true" />}>
          {(url) => <img src={url()} alt={props.alt} width={props.width} height={props.height} />}
        </Show>
      </button>
      {/* Mounted only while open: every photo's dialog would otherwise share one title id. */}
      <Show when={open() && src()}>
        {(url) => (
          <Dialog open onClose={() => setOpen(false)} title="Photo">
            <img class="chat-photo__full" src={url()} alt={props.alt} />
          </Dialog>
        )}
      </Show>
    </>
  )
}
