import { createResource, createSignal, For, onCleanup, Show } from 'solid-js'
import { isServer } from 'solid-js/web'
import { fetchPrivateImage } from '../lib/api'
import type { Photo, Post } from '../lib/social'
import { Button } from './button'
import { Dialog } from './dialog'
import { Icon } from './icons'

/**
 * A post photo's URL as the browser can show it. A public post's photo is served to anyone, so an
 * <img> loads it as is (lazily); another post's answers only with the access token, so it is
 * fetched into an object URL in the browser, freed with the component.
 */
function PhotoImg(props: { url: string; open: boolean; alt: string; class?: string; width?: number; height?: number }) {
  const [fetched] = createResource(
    () => (props.open || isServer ? null : props.url),
    (url) => fetchPrivateImage(url).catch(() => null),
  )
  onCleanup(() => {
    const url = fetched()
    if (typeof url === 'string') URL.revokeObjectURL(url)
  })
  const src = () => (props.open ? props.url : fetched())
  return (
    <Show when={src()} fallback={<span class="post-photos__placeholder" aria-hidden="true" />}>
      {(url) => <img class={props.class} src={url()} alt={props.alt} width={props.width} height={props.height} loading="lazy" decoding="async" />}
    </Show>
  )
}

/**
 * A post's photos as a grid: one photo at its proportions, more as squares (2 columns up to 4,
 * then 3), each opening full size. `onRemove` (its author, editing) adds a remove button to each.
 */
export function PostPhotos(props: { post: Post; onRemove?: (photo: Photo) => Promise<void> }) {
  const [shown, setShown] = createSignal<number | null>(null)
  const [removing, setRemoving] = createSignal<string | null>(null)
  const photos = () => props.post.media
  const open = () => props.post.privacy === 'public'
  const layout = () => (photos().length === 1 ? 'one' : photos().length <= 4 ? 'two' : 'three')
  const label = (i: number) => `Photo ${i + 1} of ${photos().length}`
  const remove = async (photo: Photo) => {
    setRemoving(photo.id)
    try {
      await props.onRemove?.(photo)
    } finally {
      setRemoving(null)
    }
  }
  return (
    <Show when={photos().length > 0}>
      <ul class={`post-photos post-photos--${layout()}`} aria-label="Photos">
        <For each={photos()}>
          {(photo, i) => (
            <li class="post-photos__item">
              <button type="button" class="post-photos__open" aria-label={`Open ${label(i()).toLowerCase()}`} onClick={() => setShown(i())}>
                <Show
                  when={layout() === 'one'}
                  fallback={<PhotoImg url={photo.thumbnailUrl} open={open()} alt={label(i())} width={480} height={480} />}
                >
                  <PhotoImg url={photo.url} open={open()} alt={label(i())} width={photo.width} height={photo.height} />
                </Show>
              </button>
              <Show when={props.onRemove}>
                <Button variant="ghost" size="sm" class="post-photos__remove" disabled={removing() !== null} aria-label={`Remove ${label(i()).toLowerCase()}`} onClick={() => void remove(photo)}>
                  <Icon name="close" />
                </Button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      {/* Mounted only while open: its full-size photo loads then. */}
      <Show when={shown() !== null && photos()[shown()!]}>
        {(photo) => (
          <Dialog open onClose={() => setShown(null)} title={label(shown()!)}>
            <PhotoImg class="post-photos__full" url={photo().url} open={open()} alt={label(shown()!)} width={photo().width} height={photo().height} />
          </Dialog>
        )}
      </Show>
    </Show>
  )
}
