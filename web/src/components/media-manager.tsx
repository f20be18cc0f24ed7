import { action, useAction, useSubmission } from '@solidjs/router'
import { createSignal, For, lazy, Show } from 'solid-js'
import { api } from '../lib/api'
import { must, type Product } from '../lib/catalog'
import { ApiError } from '../lib/errors'
import { Button } from './button'
import { Badge } from './feedback'
import { Icon } from './icons'
import { Img } from './media'
import { toast } from './toast'

const MAX_IMAGES = 10

// On demand: the editor is in the entry chunk, which is near its size budget (web/test/budget.test.ts).
const VideoManager = lazy(() => import('./video-manager'))

const uploadImage = action(async (slug: string, file: File) => must(await api().api.v1.products({ slug }).images.post({ file })), 'upload-product-image')
const reorderImages = action(async (slug: string, imageIds: string[]) => must(await api().api.v1.products({ slug }).images.put({ imageIds })), 'reorder-product-images')
const makePrimary = action(async (slug: string, imageId: string) => must(await api().api.v1.products({ slug }).images({ imageId }).primary.post()), 'primary-product-image')
const deleteImage = action(async (slug: string, imageId: string) => must(await api().api.v1.products({ slug }).images({ imageId }).delete()), 'delete-product-image')

const failure = (error: unknown) => (error instanceof ApiError ? error.message : 'That did not work. Check your connection and try again.')

/**
 * A product's photos in the dashboard: upload several at once (one request each, so one bad file
 * does not sink the others), reorder, choose the primary, delete; then its videos (VideoManager).
 * Every change revalidates the product, so the lists show what the server stored.
 */
export function MediaManager(props: { product: Product }) {
  const upload = useAction(uploadImage)
  const reorder = useAction(reorderImages)
  const primary = useAction(makePrimary)
  const remove = useAction(deleteImage)
  const uploading = useSubmission(uploadImage)
  const [queued, setQueued] = createSignal(0)
  let input: HTMLInputElement | undefined
  const images = () => props.product.images
  const run = (work: Promise<unknown>, done: string) =>
    work.then(
      () => toast(done, 'success'),
      (error: unknown) => toast(failure(error), 'error'),
    )

  const uploadAll = async (files: File[]) => {
    const room = MAX_IMAGES - images().length
    if (files.length > room) toast(`A product has at most ${MAX_IMAGES} photos; ${room === 0 ? 'none' : `only the first ${room}`} will be added.`, 'info')
    const accepted = files.slice(0, Math.max(0, room))
    setQueued(accepted.length)
    let added = 0
    for (const file of accepted) {
      try {
        await upload(props.product.slug, file)
        added += 1
      } catch (error) {
        toast(`${file.name}: ${failure(error)}`, 'error')
      }
      setQueued((n) => n - 1)
    }
    if (added > 0) toast(added === 1 ? 'Photo added.' : `${added} photos added.`, 'success')
  }

  const move = (index: number, by: -1 | 1) => {
    const ids = images().map((i) => i.id)
    const [id] = ids.splice(index, 1)
    ids.splice(index + by, 0, id!)
    void run(reorder(props.product.slug, ids), 'Photos reordered.')
  }

  return (
    <>
      <section class="card card__body stack" aria-labelledby="photos-heading">
        <div class="row row--between">
          <div class="stack stack--tight">
            <h2 id="photos-heading">Photos</h2>
            <p class="field__hint">Up to {MAX_IMAGES} JPEG, PNG, WebP or GIF photos, 5 MB each. The first is the one buyers see in lists. We remove hidden details such as location.</p>
          </div>
          <input
            ref={input}
            type="file"
            multiple
            class="visually-hidden"
            id="product-photos"
            accept="image/jpeg,image/png,image/webp,image/gif"
            onChange={(e) => {
              const files = [...(e.currentTarget.files ?? [])]
              e.currentTarget.value = ''
              if (files.length > 0) void uploadAll(files)
            }}
          />
          <Button onClick={() => input?.click()} disabled={queued() > 0 || images().length >= MAX_IMAGES}>
            <Icon name="camera" /> {queued() > 0 ? `Uploading ${queued()}…` : 'Add photos'}
          </Button>
        </div>
        <Show when={images().length > 0} fallback={<p class="muted media-empty"><Icon name="image" /> No photos yet. Listings with photos get far more views.</p>}>
          <ol class="media-list" aria-label="Photos of this product" aria-busy={uploading.pending === true}>
            <For each={images()}>
              {(image, i) => (
                <li class="media-list__item">
                  <Img src={image.thumbnailUrl} alt={`Photo ${i() + 1}`} width={120} height={120} />
                  <div class="media-list__meta">
                    <Show when={i() === 0} fallback={<span class="muted">Photo {i() + 1}</span>}>
                      <Badge tone="primary">Primary</Badge>
                    </Show>
                    <span class="muted">
                      {image.width} × {image.height}
                    </span>
                  </div>
                  <div class="media-list__actions">
                    <Show when={i() > 0}>
                      <Button size="sm" variant="ghost" aria-label={`Make photo ${i() + 1} primary`} onClick={() => void run(primary(props.product.slug, image.id), 'Primary photo changed.')}>
                        <Icon name="star" /> Make primary
                      </Button>
                    </Show>
                    <Button size="sm" variant="ghost" aria-label={`Move photo ${i() + 1} earlier`} disabled={i() === 0} onClick={() => move(i(), -1)}>
                      <Icon name="arrowUp" />
                    </Button>
                    <Button size="sm" variant="ghost" aria-label={`Move photo ${i() + 1} later`} disabled={i() === images().length - 1} onClick={() => move(i(), 1)}>
                      <Icon name="arrowDown" />
                    </Button>
                    <Button size="sm" variant="ghost" aria-label={`Delete photo ${i() + 1}`} onClick={() => void run(remove(props.product.slug, image.id), 'Photo deleted.')}>
                      <Icon name="trash" />
                    </Button>
                  </div>
                </li>
              )}
            </For>
          </ol>
        </Show>
      </section>
      <VideoManager product={props.product} />
    </>
  )
}
