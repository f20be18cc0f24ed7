import { A, useLocation } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { timeAgo } from '../lib/format'
import { rereading, useTopic } from '../lib/live'
import { withNext } from '../lib/next'
import { signedIn } from '../lib/session'
import { type Comment, createComment, deleteComment, getComment, listComments, setCommentLike, updateComment } from '../lib/social'
import { Button, ButtonLink } from './button'
import { ConfirmDialog } from './confirm-dialog'
import { Listed, Skeleton } from './feedback'
import { TextAreaField } from './field'
import { createCursorPages, LoadMore } from './finance-parts'
import { createSubmit, FormAlert, SubmitButton } from './form'
import { Icon } from './icons'
import { KeyedFor } from './keyed-for'
import { Avatar } from './media'
import { RichText } from './rich-text'
import { toast, toastError } from './toast'

export const COMMENT_MAX = 2000

/** Writing a comment, or a reply to one (`parentId`); `onPosted` gets it as the server placed it. */
function CommentForm(props: { postId: string; parentId?: string; label: string; field: string; submit: string; onPosted: (comment: Comment) => void; onCancel?: () => void }) {
  const [text, setText] = createSignal('')
  const { pending, error, onSubmit } = createSubmit(async () => {
    const created = await createComment(props.postId, { body: text(), ...(props.parentId === undefined ? {} : { parentId: props.parentId }) })
    setText('')
    props.onPosted(created)
  })
  return (
    <form class="stack stack--tight" aria-label={props.label} onSubmit={onSubmit}>
      <TextAreaField label={props.field} rows={2} required maxLength={COMMENT_MAX} value={text()} onInput={(e) => setText(e.currentTarget.value)} />
      <FormAlert error={error()} />
      <div class="row">
        <SubmitButton size="sm" pending={pending()} pendingLabel="Sending…" disabled={text().trim() === ''}>
          {props.submit}
        </SubmitButton>
        <Show when={props.onCancel}>
          {(cancel) => (
            <Button variant="ghost" size="sm" onClick={() => cancel()()}>
              Cancel
            </Button>
          )}
        </Show>
      </div>
    </form>
  )
}

/** Changing a comment's text in place, while the server still allows it. */
function EditComment(props: { comment: Comment; onSaved: (comment: Comment) => void; onCancel: () => void }) {
  const [text, setText] = createSignal(props.comment.body ?? '')
  const { pending, error, onSubmit } = createSubmit(async () => props.onSaved(await updateComment(props.comment.id, text())))
  return (
    <form class="stack stack--tight" aria-label="Edit comment" onSubmit={onSubmit}>
      <TextAreaField label="Your comment" rows={2} required maxLength={COMMENT_MAX} value={text()} onInput={(e) => setText(e.currentTarget.value)} />
      <FormAlert error={error()} />
      <div class="row">
        <SubmitButton size="sm" pending={pending()} pendingLabel="Saving…" disabled={text().trim() === ''}>
          Save
        </SubmitButton>
        <Button variant="ghost" size="sm" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  )
}

/**
 * One comment of the thread, indented by its depth: author, when, text, Like, Reply (signed in),
 * Edit and Delete when the server allows them. A deleted or hidden one shows only its place.
 */
function CommentItem(props: { comment: Comment; postId: string; onChange: (comment: Comment) => void; onReply: (comment: Comment) => void; onDelete: (comment: Comment) => void }) {
  const c = () => props.comment
  const [replying, setReplying] = createSignal(false)
  const [editing, setEditing] = createSignal(false)
  const [deleting, setDeleting] = createSignal(false)
  const [liking, setLiking] = createSignal(false)
  // Optimistic, as a post's like: the count moves at once; a refusal puts it back.
  const like = async () => {
    const before = c()
    const on = !before.likedByMe
    props.onChange({ ...before, likedByMe: on, likeCount: before.likeCount + (on ? 1 : -1) })
    setLiking(true)
    try {
      props.onChange({ ...c(), ...(await setCommentLike(before.id, on)) })
    } catch (error) {
      props.onChange({ ...c(), likedByMe: before.likedByMe, likeCount: before.likeCount })
      toastError(error, 'Could not record your like')
    } finally {
      setLiking(false)
    }
  }
  return (
    <li class="comment" data-depth={c().depth} style={{ 'margin-inline-start': `${(c().depth - 1) * 28}px` }}>
      <Show
        when={c().status === 'shown' && c().author}
        fallback={
          <p class="muted comment__removed">
            {c().status === 'hidden' ? '[hidden]' : '[deleted]'}
          </p>
        }
      >
        {(author) => (
          <article class="stack stack--tight" aria-label={`Comment by ${author().displayName}`}>
            <header class="row muted">
              <A href={`/users/${author().id}`} class="row post-card__author">
                <Avatar src={author().avatarUrl} name="" size={28} />
                <strong>{author().displayName}</strong>
              </A>
              <time datetime={new Date(c().createdAt).toISOString()}>{timeAgo(c().createdAt)}</time>
              <Show when={c().editedAt !== null}>
                <span>· edited</span>
              </Show>
            </header>
            <Show
              when={editing()}
              fallback={<RichText text={c().body ?? ''} tags={[]} mentions={c().mentions} testId="comment-body" />}
            >
              <EditComment
                comment={c()}
                onCancel={() => setEditing(false)}
                onSaved={(comment) => {
                  props.onChange(comment)
                  setEditing(false)
                }}
              />
            </Show>
            <footer class="row">
              <Show when={signedIn()} fallback={<span class="muted-count">{c().likeCount === 1 ? '1 like' : `${c().likeCount} likes`}</span>}>
                <Button variant="ghost" size="sm" aria-pressed={c().likedByMe} disabled={liking()} onClick={() => void like()}>
                  <Icon name="heart" /> {c().likedByMe ? 'Liked' : 'Like'} <span class="muted-count">{c().likeCount}</span>
                </Button>
                <Button variant="ghost" size="sm" aria-expanded={replying()} onClick={() => setReplying(!replying())}>
                  Reply
                </Button>
              </Show>
              <Show when={c().canEdit && !editing()}>
                <Button variant="ghost" size="sm" onClick={() => setEditing(true)}>
                  Edit
                </Button>
              </Show>
              <Show when={c().canDelete}>
                <Button variant="ghost" size="sm" onClick={() => setDeleting(true)}>
                  <Icon name="trash" /> Delete
                </Button>
              </Show>
            </footer>
            <Show when={replying()}>
              <CommentForm
                postId={props.postId}
                parentId={c().id}
                label={`Reply to ${author().displayName}`}
                field="Your reply"
                submit="Send reply"
                onCancel={() => setReplying(false)}
                onPosted={(reply) => {
                  setReplying(false)
                  props.onReply(reply)
                }}
              />
            </Show>
          </article>
        )}
      </Show>
      <ConfirmDialog
        title="Delete this comment?"
        open={deleting()}
        onClose={() => setDeleting(false)}
        keep="Keep it"
        confirm="Delete comment"
        pendingLabel="Deleting…"
        onConfirm={async () => {
          await deleteComment(c().id)
          toast('The comment is deleted.', 'success')
          props.onDelete(c())
        }}
      >
        <p>Replies to it stay, under “[deleted]”. This cannot be undone.</p>
      </ConfirmDialog>
    </li>
  )
}

/** Where a new reply goes in a thread-ordered list: after its parent's last descendant (it is the newest). */
function placeReply(list: Comment[], reply: Comment): Comment[] {
  const parent = list.findIndex((c) => c.id === reply.parentId)
  if (parent === -1) return [...list, reply]
  let at = parent + 1
  while (at < list.length && list[at]!.depth > list[parent]!.depth) at++
  return [...list.slice(0, at), reply, ...list.slice(at)]
}

/**
 * A post's comments under it, in thread order (replies indented, three deep), a page at a time;
 * signed in, a form to comment and Reply on each, and others' new comments arrive live (`post:<id>`).
 * `onCount` is told how many comments the post has as comments are written and deleted here (the
 * live counts of the topic are the post page's).
 */
export function CommentThread(props: { postId: string; postAuthorId: string; count: number; onCount: (count: number) => void }) {
  const location = useLocation()
  const pages = createCursorPages({
    // Read again when the session comes back: likedByMe, canEdit and canDelete are the caller's.
    query: () => {
      signedIn()
      return {}
    },
    read: (query) => listComments(props.postId, query),
    pageSize: 20,
    failed: { load: 'Could not load the comments', more: 'Could not load more comments' },
  })
  const replace = (comment: Comment) => pages.update((list) => list.map((c) => (c.id === comment.id ? comment : c)))
  const place = (comment: Comment) => pages.update((list) => (list.some((c) => c.id === comment.id) ? list : comment.parentId === null ? [...list, comment] : placeReply(list, comment)))
  // Comments the topic announced: the post's counts that came with them include them already.
  const announced = new Set<string>()
  const added = (comment: Comment) => {
    const listed = pages.items()?.some((c) => c.id === comment.id) === true
    place(comment)
    if (!listed && !announced.has(comment.id)) props.onCount(props.count + 1)
  }
  // The topic announces a comment by its ids: it is read as I may see it (not at all across a block,
  // or once deleted), then placed as a written one is.
  const arrived = async (commentId: string) => {
    announced.add(commentId)
    if (pages.items()?.some((c) => c.id === commentId) === true) return
    const comment = await getComment(commentId).catch(() => null)
    if (comment !== null) place(comment)
  }
  useTopic(() => (signedIn() ? (`post:${props.postId}` as const) : null), {
    onEvent: (event) => event.kind === 'post.comment' && void arrived(event.data.commentId),
    ...rereading(() => void pages.reload()),
  })
  const removed = (comment: Comment) => {
    pages.update((list) => {
      const at = list.findIndex((c) => c.id === comment.id)
      const hasReplies = at !== -1 && (list[at + 1]?.depth ?? 0) > comment.depth
      // With replies it keeps its place, as the server lists it; otherwise it leaves.
      return hasReplies ? list.map((c) => (c.id === comment.id ? { ...c, status: 'deleted' as const, author: null, body: null, canEdit: false, canDelete: false } : c)) : list.filter((c) => c.id !== comment.id)
    })
    props.onCount(Math.max(0, props.count - 1))
  }
  return (
    <section id="comments" class="card card__body stack comments" aria-labelledby="comments-title">
      <h2 id="comments-title">{props.count === 1 ? '1 comment' : `${props.count} comments`}</h2>
      <Show
        when={signedIn()}
        fallback={
          <p>
            <ButtonLink variant="secondary" size="sm" href={withNext('/signin', location.pathname)}>
              Sign in to comment
            </ButtonLink>
          </p>
        }
      >
        <CommentForm postId={props.postId} label="Write a comment" field="Your comment" submit="Comment" onPosted={added} />
      </Show>
      <Listed items={pages.items()} loading={<Skeleton height="60px" />} empty={<p class="muted">No comments yet.</p>}>
        {(items) => (
          <ul class="comments__list stack" aria-label="Comments">
            {/* Rows kept by id: a comment read again (a like, a reconnect's re-read) keeps the reply or
                edit open in it. A comment written here may come again on a later page: listed once. */}
            <KeyedFor each={items()} by={(c) => c.id}>
              {(comment) => <CommentItem comment={comment()} postId={props.postId} onChange={replace} onReply={added} onDelete={removed} />}
            </KeyedFor>
          </ul>
        )}
      </Listed>
      <LoadMore pages={pages} />
    </section>
  )
}
