import { useParams } from '@solidjs/router'
import { Show } from 'solid-js'
import { ButtonLink } from '../components/button'
import { EmptyState, Skeleton } from '../components/feedback'
import { createCursorPages, LoadMore } from '../components/finance-parts'
import { PostList } from '../components/post-card'
import { PageMeta } from '../lib/head'
import { signedIn } from '../lib/session'
import { listTagPosts } from '../lib/social'

/** The posts with one #tag that the visitor may see, newest first. */
export default function TagPage() {
  const params = useParams<{ tag: string }>()
  const tag = () => decodeURIComponent(params.tag).replace(/^#/, '').normalize('NFC').toLowerCase()
  const pages = createCursorPages({
    // Read again once signed in: followers-only posts and likes follow the user.
    query: () => ({ tag: tag(), signedIn: signedIn() }),
    read: ({ tag: name, signedIn: _, ...query }) => listTagPosts(name, query),
    pageSize: 20,
    failed: { load: 'Could not load the posts', more: 'Could not load more posts' },
  })
  return (
    <div class="stack social-column">
      <PageMeta title={`#${tag()}`} description={`Posts tagged #${tag()} on Souk.`} />
      <h1>#{tag()}</h1>
      <Show when={pages.items()} fallback={<Skeleton height="120px" />}>
        {(posts) => (
          <PostList
            posts={posts()}
            label={`Posts tagged #${tag()}`}
            onDelete={(id) => pages.update((list) => list.filter((p) => p.id !== id))}
            empty={
              <div class="card">
                <EmptyState icon="tag" title="No posts with this tag yet" actions={<ButtonLink href="/feed">Go to your feed</ButtonLink>}>
                  Write a post with #{tag()} in it and it will show here.
                </EmptyState>
              </div>
            }
          />
        )}
      </Show>
      <LoadMore pages={pages} />
    </div>
  )
}
