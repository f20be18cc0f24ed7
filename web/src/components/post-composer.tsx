import { createResource, createSignal, Show } from 'solid-js'
import { currentUser } from '../lib/session'
import { createPost, listMyActiveProducts, type Post, type PostPrivacy } from '../lib/social'
import { SelectField, TextAreaField } from './field'
import { createSubmit, FormAlert, SubmitButton } from './form'
import { POST_MAX, PRIVACY_OPTIONS } from './post-card'
import { toast } from './toast'

/**
 * Writing a post: its text (#tags in it become its tags), who may see it, and for a vendor one of
 * their active products shown as its card. `onPosted` gets the new post.
 */
export function PostComposer(props: { onPosted: (post: Post) => void }) {
  const [text, setText] = createSignal('')
  const [privacy, setPrivacy] = createSignal<PostPrivacy>('public')
  const [productId, setProductId] = createSignal('')
  // Only a vendor has products to show; a failure here just leaves the choice out.
  const [products] = createResource(
    () => currentUser()?.role === 'vendor',
    async () => (await listMyActiveProducts().catch(() => [])).map((p) => ({ value: p.id, label: p.title })),
  )
  const { pending, error, onSubmit } = createSubmit(async () => {
    const created = await createPost({ body: text(), privacy: privacy(), ...(productId() === '' ? {} : { productId: productId() }) })
    setText('')
    setProductId('')
    toast('Your post is published.', 'success')
    props.onPosted(created)
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
      <div class="row post-composer__options">
        <SelectField label="Who can see it" value={privacy()} options={PRIVACY_OPTIONS} onChange={(e) => setPrivacy(e.currentTarget.value as PostPrivacy)} />
        <Show when={(products() ?? []).length > 0}>
          <SelectField label="Show a product" value={productId()} options={[{ value: '', label: 'None' }, ...products()!]} onChange={(e) => setProductId(e.currentTarget.value)} />
        </Show>
      </div>
      <FormAlert error={error()} />
      <div class="row row--end">
        <SubmitButton pending={pending()} pendingLabel="Posting…" disabled={text().trim() === ''}>
          Post
        </SubmitButton>
      </div>
    </form>
  )
}
