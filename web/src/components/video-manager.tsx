import { action, useAction, useSubmission } from '@solidjs/router'
import { For, Show } from 'solid-js'
import { VIDEO_LIMITS } from '../../../src/lib/video'
import { api } from '../lib/api'
import { must, type Product } from '../lib/catalog'
import { ApiError } from '../lib/errors'
import { Button } from './button'
import { Icon } from './icons'
import { toast } from './toast'

const MAX_MB = VIDEO_LIMITS.maxBytes / 1024 / 1024

const uploadVideo = action(async (slug: string, file: File) => must(await api().api.v1.products({ slug }).videos.post({ file })), 'upload-product-video')
const deleteVideo = action(async (slug: string, videoId: string) => must(await api().api.v1.products({ slug }).videos({ videoId }).delete()), 'delete-product-video')

const failure = (error: unknown) => (error instanceof ApiError ? error.message : 'That did not work. Check your connection and try again.')
const sizeOf = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`)

/**
 * A product's videos in the dashboard (loaded on demand by MediaManager): add one at a time,
 * delete. A file over the size limit is refused here before it is sent; the server checks the
 * content (MP4 or WebM) and the count.
 */
export default function VideoManager(props: { product: Product }) {
  const upload = useAction(uploadVideo)
  const remove = useAction(deleteVideo)
  const uploading = useSubmission(uploadVideo)
  let input: HTMLInputElement | undefined
  const videos = () => props.product.videos
  const full = () => videos().length >= VIDEO_LIMITS.perProduct

  const add = async (file: File) => {
    if (file.size > VIDEO_LIMITS.maxBytes) return toast(`${file.name}: the video is larger than ${MAX_MB} MB.`, 'error')
    try {
      await upload(props.product.slug, file)
      toast('Video added.', 'success')
    } catch (error) {
      toast(`${file.name}: ${failure(error)}`, 'error')
    }
  }

  return (
    <section class="card card__body stack" aria-labelledby="videos-heading">
      <div class="row row--between">
        <div class="stack stack--tight">
          <h2 id="videos-heading">Videos</h2>
          <p class="field__hint">
            Up to {VIDEO_LIMITS.perProduct} MP4 or WebM videos, {MAX_MB} MB each. They play on the product page after the photos.
          </p>
        </div>
        <input
          ref={input}
          type="file"
          class="visually-hidden"
          id="product-videos"
          accept="video/mp4,video/webm"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0]
            e.currentTarget.value = ''
            if (file !== undefined) void add(file)
          }}
        />
        <Button onClick={() => input?.click()} disabled={uploading.pending === true || full()}>
          <Icon name="plus" /> {uploading.pending === true ? 'Uploading video…' : 'Add a video'}
        </Button>
      </div>
      <Show when={uploading.pending === true}>
        <progress class="video-upload" aria-label="Uploading video" />
      </Show>
      <Show when={videos().length > 0} fallback={<p class="muted media-empty">No videos yet.</p>}>
        <ol class="media-list" aria-label="Videos of this product" aria-busy={uploading.pending === true}>
          <For each={videos()}>
            {(video, i) => (
              <li class="media-list__item">
                <video src={video.url} controls preload="metadata" style={{ width: '100%' }} aria-label={`Video ${i() + 1}`} />
                <div class="media-list__meta">
                  <span class="muted">
                    {video.contentType === 'video/mp4' ? 'MP4' : 'WebM'} · {sizeOf(video.size)}
                  </span>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Delete video ${i() + 1}`}
                    onClick={() =>
                      void remove(props.product.slug, video.id).then(
                        () => toast('Video deleted.', 'success'),
                        (error: unknown) => toast(failure(error), 'error'),
                      )
                    }
                  >
                    <Icon name="trash" />
                  </Button>
                </div>
              </li>
            )}
          </For>
        </ol>
      </Show>
    </section>
  )
}
