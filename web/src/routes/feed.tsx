import { useLocation, useSearchParams } from '@solidjs/router'
import { createSignal, Match, Show, Switch } from 'solid-js'
import { Button, ButtonLink } from '../components/button'
import { EmptyState, Skeleton } from '../components/feedback'
import { createCursorPages, LoadMore } from '../components/finance-parts'
import { PostList } from '../components/post-card'
import { PostComposer } from '../components/post-composer'
import { Tabs } from '../components/tabs'
import { PageMeta } from '../lib/head'
import { myTopic, useTopic } from '../lib/live'
import { withNext } from '../lib/next'
import { sessionStatus, signedIn } from '../lib/session'
import { type Post, readDiscover, readFeed } from '../lib/social'
import { PostSearchForm } from './post-search'

const loading = (label: string) => (
  <div class="card card__body stack" aria-busy="true" aria-label={label}>
    <Skeleton width="40%" height="18px" />
    <Skeleton height="60px" />
  </div>
)

/**
 * "3 new posts" over the feed: new posts of followed accounts, announced live (`feed.post` on my
 * topic) while the feed is open, are counted, not inserted, so the list does not jump under the
 * reader; clicking reads the first page again and goes up to it. A post listed already (mine, or
 * one read since) does not count.
 */
function NewPostsPill(props: { listed: (postId: string) => boolean; onShow: () => Promise<void> }) {
  const [waiting, setWaiting] = createSignal<string[]>([])
  useTopic(myTopic, {
    onEvent: (event) => {
      if (event.kind !== 'feed.post' || props.listed(event.data.postId) || waiting().includes(event.data.postId)) return
      setWaiting((ids) => [...ids, event.data.postId])
    },
  })
  // One read meanwhile (the first page, still loading) may list some already.
  const count = () => waiting().filter((id) => !props.listed(id)).length
  const show = async () => {
    setWaiting([])
    await props.onShow()
    window.scrollTo({ top: 0, behavior: 'smooth' })
  }
  return (
    <Show when={count() > 0}>
      <div class="new-posts">
        <Button variant="primary" size="sm" onClick={() => void show()}>
          {count() === 1 ? '1 new post' : `${count()} new posts`}
        </Button>
      </div>
    </Show>
  )
}

function HomeFeed() {
  const pages = createCursorPages({
    query: () => ({}),
    read: (query) => readFeed(query),
    pageSize: 20,
    failed: { load: 'Could not load your feed', more: 'Could not load more posts' },
  })
  const remove = (id: string) => pages.update((list) => list.filter((p) => p.id !== id))
  return (
    <div class="stack">
      <NewPostsPill listed={(id) => pages.items()?.some((p) => p.id === id) === true} onShow={pages.reload} />
      <PostComposer onPosted={(post) => pages.update((list) => [post, ...list])} />
      <Show when={pages.items()} fallback={loading('Loading your feed')}>
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

/** The Home tab: the feed once signed in; signed out, an invitation to sign in (Discover needs none). */
function HomeTab() {
  const location = useLocation()
  return (
    <Switch>
      <Match when={sessionStatus() === 'signed-in'}>
        <HomeFeed />
      </Match>
      <Match when={sessionStatus() === 'restoring'}>{loading('Loading your account')}</Match>
      <Match when={sessionStatus() === 'anonymous'}>
        <div class="card">
          <EmptyState icon="user" title="Your own feed" actions={<ButtonLink href={withNext('/signin', location.pathname + location.search)}>Sign in</ButtonLink>}>
            Sign in to see the posts of the people and shops you follow.
          </EmptyState>
        </div>
      </Match>
    </Switch>
  )
}

/** Ids once: a later page ranks as of the first, but a like taken back since may show a post again. */
const once = (posts: Post[]) => posts.filter((post, i) => posts.findIndex((other) => other.id === post.id) === i)

/** Discover: recent public posts, the most engaging first (signed out too). */
function DiscoverFeed() {
  const pages = createCursorPages({
    // Read again once signed in: blocks and likes follow the user.
    query: () => ({ signedIn: signedIn() }),
    read: ({ signedIn: _, ...query }) => readDiscover(query),
    pageSize: 20,
    failed: { load: 'Could not load Discover', more: 'Could not load more posts' },
  })
  return (
    <div class="stack">
      <Show when={pages.items()} fallback={loading('Loading Discover')}>
        {(posts) => (
          <PostList
            posts={once(posts())}
            label="Discover"
            onDelete={(id) => pages.update((list) => list.filter((p) => p.id !== id))}
            empty={
              <div class="card">
                <EmptyState icon="activity" title="Nothing new this week">
                  Public posts of the last 7 days show here, the most liked and discussed first.
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

/** The feed: Home (the accounts I follow, and a composer) and Discover (recent public posts, signed out too), and a post search. */
export default function Feed() {
  const [params] = useSearchParams<{ tab?: string }>()
  // Signed out, Discover is what there is to read.
  const initial = () => (params.tab === 'discover' || sessionStatus() === 'anonymous' ? 'discover' : 'home')
  return (
    <div class="stack social-column">
      <PageMeta title="Feed" description="Posts from the people and shops you follow on Souk, and what is popular this week." noindex />
      <h1>Feed</h1>
      <PostSearchForm />
      <Tabs
        label="Feeds"
        initial={initial()}
        items={[
          { id: 'home', label: 'Home', content: () => <HomeTab /> },
          { id: 'discover', label: 'Discover', content: () => <DiscoverFeed /> },
        ]}
      />
    </div>
  )
}
