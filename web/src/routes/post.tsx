import { createAsync, revalidate, useNavigate, useParams } from '@solidjs/router'
import { createEffect, createSignal, on, Show } from 'solid-js'
import { isServer } from 'solid-js/web'
import { ButtonLink } from '../components/button'
import { CommentThread } from '../components/comment-thread'
import { EmptyState } from '../components/feedback'
import { PostCard } from '../components/post-card'
import { HttpStatus, PageMeta } from '../lib/head'
import { rereading, useTopic } from '../lib/live'
import { signedIn } from '../lib/session'
import { getPost, type Post } from '../lib/social'

/** "Author: start of the text…" for titles and share cards. */
const excerpt = (text: string, length: number) => {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= length ? flat : `${flat.slice(0, length - 1).trimEnd()}…`
}

function PostView(props: { post: Post }) {
  const navigate = useNavigate()
  // The card and the thread share the post: comments written or deleted below move its count.
  const [post, setPost] = createSignal(props.post)
  createEffect(on(() => props.post, (next) => setPost(next), { defer: true }))
  // Live counts while signed in (the socket is): likes and comments anyone makes. Read again once followed, so none is missed.
  useTopic(() => (signedIn() ? (`post:${props.post.id}` as const) : null), {
    onEvent: (event) => event.kind === 'post.counts' && setPost((p) => ({ ...p, ...event.data })),
    ...rereading(() => void revalidate(getPost.keyFor(props.post.id))),
  })
  return (
    <div class="stack social-column">
      <PageMeta
        title={`${props.post.author.displayName}: “${excerpt(props.post.body, 60)}”`}
        description={excerpt(props.post.body, 200)}
        image={props.post.product?.image?.url ?? props.post.author.avatarUrl ?? undefined}
        type="website"
        noindex={props.post.privacy !== 'public'}
      />
      <PostCard post={post()} onChange={setPost} onDelete={() => navigate('/feed')} />
      <Show when={props.post.tags.length > 0}>
        <nav class="row" aria-label="Tags">
          {props.post.tags.map((tag) => (
            <ButtonLink size="sm" variant="ghost" href={`/tags/${encodeURIComponent(tag)}`}>
              #{tag}
            </ButtonLink>
          ))}
        </nav>
      </Show>
      <CommentThread postId={props.post.id} postAuthorId={props.post.author.id} count={post().commentCount} onCount={(commentCount) => setPost((p) => ({ ...p, commentCount }))} />
    </div>
  )
}

/** One post, rendered on the server when public (share cards included); one the visitor may not see is "not found". */
export default function PostPage() {
  const params = useParams<{ id: string }>()
  const post = createAsync(() => getPost(params.id))
  // The server renders anonymously; once the session is back, likes and followers-only posts follow the user.
  if (!isServer) createEffect(on(signedIn, () => void revalidate(getPost.keyFor(params.id)), { defer: true }))
  return (
    <Show when={post() !== undefined}>
      <Show
        when={post()}
        fallback={
          <>
            <HttpStatus code={404} />
            <PageMeta title="Post not found" description="This post is not available on Souk." noindex />
            <div class="card">
              <EmptyState icon="chat" title="This post isn’t available" actions={<ButtonLink href="/feed">Go to your feed</ButtonLink>}>
                It may have been deleted, or only some people may see it. Signing in may help.
              </EmptyState>
            </div>
          </>
        }
      >
        {(p) => <PostView post={p()} />}
      </Show>
    </Show>
  )
}
