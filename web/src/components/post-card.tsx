import { A, useLocation, useNavigate } from '@solidjs/router'
import { createEffect, createSignal, For, type JSX, on, Show } from 'solid-js'
import { timeAgo } from '../lib/format'
import { withNext } from '../lib/next'
import { signedInOnceKnown } from '../lib/session'
import { deletePost, deletePostPhoto, listLikes, type Photo, type Post, type PostPrivacy, PRIVACY_LABEL, setLike, updatePost } from '../lib/social'
import { Button, ButtonLink } from './button'
import { ConfirmDialog } from './confirm-dialog'
import { Dialog } from './dialog'
import { Badge, Listed, Skeleton, type Tone } from './feedback'
import { SelectField, TextAreaField } from './field'
import { createCursorPages, LoadMore } from './finance-parts'
import { PeopleList } from './follow'
import { createSubmit, FormAlert } from './form'
import { Icon } from './icons'
import { Avatar } from './media'
import { PostPhotos } from './post-photos'
import { ProductCard } from './product-card'
import { RichText } from './rich-text'
import { toast, toastError } from './toast'

export const POST_MAX = 5000
export const PRIVACY_OPTIONS = (['public', 'followers', 'private'] as const).map((value) => ({ value, label: PRIVACY_LABEL[value] }))
const PRIVACY_TONE: Record<PostPrivacy, Tone> = { public: 'neutral', followers: 'primary', private: 'warning' }

/** Who liked a post, a page at a time; loads when opened. */
function Likers(props: { postId: string }) {
  const pages = createCursorPages({
    query: () => ({}),
    read: (query) => listLikes(props.postId, query),
    pageSize: 20,
    failed: { load: 'Could not load the likes', more: 'Could not load more likes' },
  })
  return (
    <div class="stack">
      <Listed items={pages.items()} loading={<Skeleton height="80px" />} empty={<p class="muted">No likes yet.</p>}>
        {(people) => (
          <PeopleList people={people()} label="People who liked this post" onChange={(p) => pages.update((list) => list.map((x) => (x.id === p.id ? p : x)))} />
        )}
      </Listed>
      <LoadMore pages={pages} />
    </div>
  )
}

function Like(props: { post: Post; onChange: (post: Post) => void }) {
  const navigate = useNavigate()
  const location = useLocation()
  const [pending, setPending] = createSignal(false)
  // Optimistic: the count moves at once; a refusal puts it back.
  const toggle = async () => {
    if (!(await signedInOnceKnown())) return navigate(withNext('/signin', location.pathname))
    const before = props.post
    const on = !before.likedByMe
    props.onChange({ ...before, likedByMe: on, likeCount: before.likeCount + (on ? 1 : -1) })
    setPending(true)
    try {
      const liked = await setLike(before.id, on)
      props.onChange({ ...props.post, ...liked })
    } catch (error) {
      props.onChange({ ...props.post, likedByMe: before.likedByMe, likeCount: before.likeCount })
      toastError(error, 'Could not record your like')
    } finally {
      setPending(false)
    }
  }
  return (
    <Button variant="ghost" size="sm" aria-pressed={props.post.likedByMe} disabled={pending()} onClick={() => void toggle()}>
      <Icon name="heart" /> {props.post.likedByMe ? 'Liked' : 'Like'} <span class="muted-count">{props.post.likeCount}</span>
    </Button>
  )
}

/** Changing a post's text or privacy in place, while the server still allows it. */
function EditPost(props: { post: Post; onSaved: (post: Post) => void; onCancel: () => void }) {
  const [text, setText] = createSignal(props.post.body)
  const [privacy, setPrivacy] = createSignal<PostPrivacy>(props.post.privacy)
  const { pending, error, onSubmit } = createSubmit(async () => {
    props.onSaved(await updatePost(props.post.id, { body: text(), privacy: privacy() }))
    toast('Your post is updated.', 'success')
  })
  return (
    <form class="stack stack--tight" aria-label="Edit post" onSubmit={onSubmit}>
      <TextAreaField label="Your post" rows={4} required maxLength={POST_MAX} value={text()} onInput={(e) => setText(e.currentTarget.value)} hint={`${text().length} / ${POST_MAX}`} />
      <SelectField label="Who can see it" value={privacy()} options={PRIVACY_OPTIONS} onChange={(e) => setPrivacy(e.currentTarget.value as PostPrivacy)} />
      <FormAlert error={error()} />
      <div class="row">
        <Button type="submit" variant="primary" size="sm" disabled={pending() || text().trim() === ''} aria-busy={pending()}>
          Save
        </Button>
        <Button variant="ghost" size="sm" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  )
}

/**
 * One post: its author, when, its privacy, its text (links, tags and mentions clickable), its photos
 * (its author removes them while editing), the product it shows, likes, its comment count (a link to
 * its page), and Edit / Delete for its author. `onChange` gets the post as it now is;
 * `onDelete` is told once it is gone.
 */
export function PostCard(props: { post: Post; onChange?: (post: Post) => void; onDelete?: (id: string) => void }) {
  const [editing, setEditing] = createSignal(false)
  const [deleting, setDeleting] = createSignal(false)
  const [likers, setLikers] = createSignal(false)
  // Likes and edits change the card here (a list keeps its rows, and focus stays on the button); a new post from above replaces them.
  const [local, setLocal] = createSignal<Post | null>(null)
  createEffect(on(() => props.post, () => setLocal(null), { defer: true }))
  const p = () => local() ?? props.post
  const change = (post: Post) => {
    setLocal(post)
    props.onChange?.(post)
  }
  const removePhoto = async (photo: Photo) => {
    try {
      await deletePostPhoto(p().id, photo.id)
      change({ ...p(), media: p().media.filter((m) => m.id !== photo.id) })
    } catch (error) {
      toastError(error, 'Could not remove the photo')
    }
  }
  return (
    <article class="card card__body stack post-card" aria-label={`Post by ${p().author.displayName}`}>
      <header class="row row--between">
        <A href={`/users/${p().author.id}`} class="row post-card__author">
          <Avatar src={p().author.avatarUrl} name="" size={40} />
          <strong>{p().author.displayName}</strong>
          <span class="muted">@{p().author.handle}</span>
        </A>
        <span class="row muted">
          <A href={`/posts/${p().id}`} class="post-card__when">
            <time datetime={new Date(p().createdAt).toISOString()}>{timeAgo(p().createdAt)}</time>
          </A>
          <Show when={p().editedAt !== null}>
            <span>· edited</span>
          </Show>
          <Badge tone={PRIVACY_TONE[p().privacy]}>{PRIVACY_LABEL[p().privacy]}</Badge>
        </span>
      </header>
      <Show when={editing()} fallback={<RichText text={p().body} tags={p().tags} mentions={p().mentions} testId="post-body" />}>
        <EditPost
          post={p()}
          onCancel={() => setEditing(false)}
          onSaved={(post) => {
            change(post)
            setEditing(false)
          }}
        />
      </Show>
      <PostPhotos post={p()} onRemove={editing() ? removePhoto : undefined} />
      <Show when={p().product}>
        {(product) => (
          <div class="post-card__product">
            <ProductCard product={product()} />
          </div>
        )}
      </Show>
      <footer class="row">
        <Like post={p()} onChange={change} />
        <Show when={p().likeCount > 0}>
          <Button variant="ghost" size="sm" onClick={() => setLikers(true)}>
            Liked by {p().likeCount === 1 ? '1 person' : `${p().likeCount} people`}
          </Button>
        </Show>
        <ButtonLink variant="ghost" size="sm" href={`/posts/${p().id}#comments`}>
          <Icon name="chat" /> {p().commentCount === 1 ? '1 comment' : `${p().commentCount} comments`}
        </ButtonLink>
        <Show when={p().canEdit && !editing()}>
          <Button variant="ghost" size="sm" onClick={() => setEditing(true)}>
            Edit
          </Button>
        </Show>
        <Show when={p().canDelete}>
          <Button variant="ghost" size="sm" onClick={() => setDeleting(true)}>
            <Icon name="trash" /> Delete
          </Button>
        </Show>
      </footer>
      <Dialog open={likers()} onClose={() => setLikers(false)} title="Liked by">
        <Show when={likers()}>
          <Likers postId={p().id} />
        </Show>
      </Dialog>
      <ConfirmDialog
        title="Delete this post?"
        open={deleting()}
        onClose={() => setDeleting(false)}
        keep="Keep it"
        confirm="Delete post"
        pendingLabel="Deleting…"
        onConfirm={async () => {
          await deletePost(p().id)
          toast('Your post is deleted.', 'success')
          props.onDelete?.(p().id)
        }}
      >
        <p>It leaves every feed and page. This cannot be undone.</p>
      </ConfirmDialog>
    </article>
  )
}

/** Posts in a list; a deleted one leaves it. */
export function PostList(props: { posts: Post[]; label: string; onDelete: (id: string) => void; empty: JSX.Element }) {
  return (
    <Show when={props.posts.length > 0} fallback={props.empty}>
      <ul class="stack post-list" aria-label={props.label}>
        <For each={props.posts}>
          {(post) => (
            <li>
              <PostCard post={post} onDelete={props.onDelete} />
            </li>
          )}
        </For>
      </ul>
    </Show>
  )
}
