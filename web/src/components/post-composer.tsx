import { createResource, createSignal, For, onCleanup, Show } from 'solid-js'
import { POST_PHOTOS_MAX as PHOTOS_MAX } from '../../../src/modules/social/rules'
import { ApiError } from '../lib/errors'
import { currentUser } from '../lib/session'
import { createPost, listMyActiveProducts, type Post, type PostPrivacy, uploadPostPhotos } from '../lib/social'
import { fileProgress } from '../lib/upload'
import { Button } from './button'
import { Callout, Progress } from './feedback'
import { SelectField, TextAreaField } from './field'
import { PHOTO_TYPES } from './file-button'
import { createSubmit, FormAlert, SubmitButton } from './form'
import { Icon } from './icons'
import { POST_MAX, PRIVACY_OPTIONS } from './post-card'
import { toast } from './toast'

interface Chosen {
  file: File
  /** An object URL of the file, for its preview; revoked when it leaves. */
  preview: string
}

/** A file of the batch the server did not take, and why. */
interface Refusal {
  name: string
  message: string
}

/** The refusals of a batch none of whose files landed: the error's field problems name them by index (`body.files[2]`). */
function refusalsOf(error: unknown, files: File[]): Refusal[] {
  if (!(error instanceof ApiError)) return files.map((file) => ({ name: file.name, message: error instanceof Error ? error.message : 'Not sent' }))
  const named = error.details.flatMap((problem) => {
    const index = /^body\.files\[(\d+)\]$/.exec(problem.field)?.[1]
    const file = index === undefined ? undefined : files[Number(index)]
    return file === undefined ? [] : [{ name: file.name, message: problem.message }]
  })
  return named.length > 0 ? named : files.map((file) => ({ name: file.name, message: error.message }))
}

/**
 * Writing a post: its text (#tags in it become its tags), up to ten photos (previewed, removable
 * before posting), who may see it, and for a vendor one of their active products shown as its card.
 * Posting creates the post, then sends the photos in one batch, each with its progress; files the
 * server refuses are listed with their reasons. `onPosted` gets the new post with its photos.
 */
export function PostComposer(props: { onPosted: (post: Post) => void }) {
  const [text, setText] = createSignal('')
  const [privacy, setPrivacy] = createSignal<PostPrivacy>('public')
  const [productId, setProductId] = createSignal('')
  const [chosen, setChosen] = createSignal<Chosen[]>([])
  const [progress, setProgress] = createSignal<number[] | null>(null)
  const [refused, setRefused] = createSignal<Refusal[]>([])
  const [tooMany, setTooMany] = createSignal(false)
  let input: HTMLInputElement | undefined
  // Only a vendor has products to show; a failure here just leaves the choice out.
  const [products] = createResource(
    () => currentUser()?.role === 'vendor',
    async () => (await listMyActiveProducts().catch(() => [])).map((p) => ({ value: p.id, label: p.title })),
  )
  const release = (photos: Chosen[]) => photos.forEach((photo) => URL.revokeObjectURL(photo.preview))
  onCleanup(() => release(chosen()))
  const choose = (files: File[]) => {
    const room = PHOTOS_MAX - chosen().length
    setTooMany(files.length > room)
    setChosen([...chosen(), ...files.slice(0, Math.max(room, 0)).map((file) => ({ file, preview: URL.createObjectURL(file) }))])
  }
  const unchoose = (photo: Chosen) => {
    release([photo])
    setTooMany(false)
    setChosen(chosen().filter((c) => c !== photo))
  }
  /** Sends the chosen photos to the new post: answers the post with those that landed, and lists the others. */
  const sendPhotos = async (post: Post): Promise<Post> => {
    const files = chosen().map((c) => c.file)
    setProgress(files.map(() => 0))
    try {
      const batch = await uploadPostPhotos(post.id, files, (sent, total) => setProgress(fileProgress(files.map((f) => f.size), sent, total)))
      setRefused(batch.refused.map(({ name, message }) => ({ name, message })))
      return { ...post, media: batch.media }
    } catch (error) {
      setRefused(refusalsOf(error, files))
      return post
    } finally {
      setProgress(null)
      release(chosen())
      setChosen([])
    }
  }
  const { pending, error, onSubmit } = createSubmit(async () => {
    setRefused([])
    const created = await createPost({ body: text(), privacy: privacy(), ...(productId() === '' ? {} : { productId: productId() }) })
    setText('')
    setProductId('')
    const post = chosen().length > 0 ? await sendPhotos(created) : created
    toast(refused().length > 0 ? 'Your post is published, without some photos.' : 'Your post is published.', 'success')
    props.onPosted(post)
  })
  return (
    <form class="card card__body stack post-composer" aria-label="Write a post" onSubmit={onSubmit}>
      <TextAreaField
        label="What’s new?"
        name="body"
        rows={3}
        required
        maxLength={POST_MAX}
        placeholder="Share news from your workshop, a find, a #tag…"
        value={text()}
        onInput={(e) => setText(e.currentTarget.value)}
        hint={`${text().length} / ${POST_MAX}`}
      />
      <Show when={chosen().length > 0}>
        <ul class="post-composer__photos" aria-label="Photos to post">
          <For each={chosen()}>
            {(photo, i) => (
              <li class="post-composer__photo">
                <img src={photo.preview} alt={photo.file.name} />
                <Show
                  when={progress()}
                  fallback={
                    <Button variant="ghost" size="sm" class="post-composer__unchoose" disabled={pending()} aria-label={`Remove ${photo.file.name}`} onClick={() => unchoose(photo)}>
                      <Icon name="close" />
                    </Button>
                  }
                >
                  {(done) => <Progress label={`Uploading ${photo.file.name}`} value={(done()[i()] ?? 0) * 100} />}
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={tooMany()}>
        <p class="muted" role="status">
          A post has at most {PHOTOS_MAX} photos: the first {PHOTOS_MAX} are kept.
        </p>
      </Show>
      <Show when={refused().length > 0}>
        <Callout tone="danger">
          <p>These photos were not added:</p>
          <ul class="post-composer__refused" aria-label="Photos not added">
            <For each={refused()}>
              {(refusal) => (
                <li>
                  <strong>{refusal.name}</strong>: {refusal.message}
                </li>
              )}
            </For>
          </ul>
        </Callout>
      </Show>
      <div class="row post-composer__options">
        <SelectField label="Who can see it" value={privacy()} options={PRIVACY_OPTIONS} onChange={(e) => setPrivacy(e.currentTarget.value as PostPrivacy)} />
        <Show when={(products() ?? []).length > 0}>
          <SelectField label="Show a product" value={productId()} options={[{ value: '', label: 'None' }, ...products()!]} onChange={(e) => setProductId(e.currentTarget.value)} />
        </Show>
      </div>
      <FormAlert error={error()} />
      <div class="row row--between">
        <input
          ref={input}
          type="file"
          class="visually-hidden"
          tabindex="-1"
          accept={PHOTO_TYPES}
          multiple
          aria-label="Photos"
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])]
            // Emptied each time, so the same files may be chosen again.
            e.currentTarget.value = ''
            if (files.length > 0) choose(files)
          }}
        />
        <Button variant="ghost" onClick={() => input?.click()} disabled={pending() || chosen().length >= PHOTOS_MAX}>
          <Icon name="camera" /> Add photos
        </Button>
        <SubmitButton pending={pending()} pendingLabel={progress() === null ? 'Posting…' : 'Uploading photos…'} disabled={text().trim() === ''}>
          Post
        </SubmitButton>
      </div>
    </form>
  )
}
