import { createSignal, For, Show } from 'solid-js'
import type { Product } from '../lib/catalog'
import { Img } from './media'

/** The product's photos: the chosen one large, the others as thumbnails to pick from. */
export function Gallery(props: { images: Product['images']; title: string }) {
  const [index, setIndex] = createSignal(0)
  const current = () => props.images[Math.min(index(), props.images.length - 1)]
  return (
    <div class="gallery">
      <div class="media gallery__main">
        <Img src={current()?.url} alt={props.images.length === 0 ? `No photo of ${props.title} yet` : `${props.title}, photo ${index() + 1} of ${props.images.length}`} loading="eager" width={current()?.width} height={current()?.height} />
      </div>
      <Show when={props.images.length > 1}>
        <ul class="gallery__strip" aria-label="Photos">
          <For each={props.images}>
            {(image, i) => (
              <li>
                <button type="button" class="gallery__thumb" aria-label={`Show photo ${i() + 1}`} aria-pressed={i() === index()} onClick={() => setIndex(i())}>
                  <Img src={image.thumbnailUrl} alt="" width={96} height={96} />
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  )
}
