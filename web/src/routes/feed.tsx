import { Show } from 'solid-js'
import { SignedIn } from '../components/auth-gate'
import { ButtonLink } from '../components/button'
import { EmptyState, Skeleton } from '../components/feedback'
import { createCursorPages, LoadMore } from '../components/finance-parts'
import { PostList } from '../components/post-card'
import { PostComposer } from '../components/post-composer'
import { PageMeta } from '../lib/head'
import { readFeed } from '../lib/social'

function HomeFeed() {
  const pages = createCursorPages({
    query: () => ({}),
    read: (query) => readFeed(query),
    pageSize: 20,
    failed: { load: 'Could not load your feed', more: 'Could not load more posts' },
  })
  const remove = (id: string) => pages.update((list) => list.filter((p) => p.id !== id))
  return (
    <div class="stack social-column">
      <h1>Home feed</h1>
      <PostComposer onPosted={(post) => pages.update((list) => [post, ...list])} />
      <Show
        when={pages.items()}
        fallback={
          <div class="card card__body stack" aria-busy="true" aria-label="Loading your feed">
            <Skeleton width="40%" height="18px" />
            <Skeleton height="60px" />
          </div>
        }
      >
        {(posts) => (
          <PostList
            posts={posts()}
            label="Your feed"
            onDelete={remove}
            empty={
              <div class="card">
                <EmptyState icon="user" title="Your feed is quiet" actions={<ButtonLink href="/vendors">Find shops to follow</ButtonLink>}>
                  Follow people and shops to see their posts here: open a profile or a storefront and choose Follow.
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

/** The signed-in user's home feed: a composer, then the posts of the accounts they follow and their own, newest first. */
export default function Feed() {
  return (
    <>
      <PageMeta title="Home feed" description="Posts from the people and shops you follow on Souk." noindex />
      <SignedIn>
        <HomeFeed />
      </SignedIn>
    </>
  )
}
