import { useNavigate, useSearchParams } from '@solidjs/router'
import { Show } from 'solid-js'
import { Button } from '../components/button'
import { EmptyState, Skeleton } from '../components/feedback'
import { createCursorPages, LoadMore } from '../components/finance-parts'
import { Icon } from '../components/icons'
import { PostList } from '../components/post-card'
import { PageMeta } from '../lib/head'
import { signedIn } from '../lib/session'
import { searchPosts } from '../lib/social'

/** The posts search box: leads to `/posts/search?q=` (a plain GET form before hydration). */
export function PostSearchForm(props: { value?: string }) {
  const navigate = useNavigate()
  return (
    <form
      class="row"
      role="search"
      aria-label="Search posts"
      action="/posts/search"
      method="get"
      onSubmit={(e) => {
        e.preventDefault()
        const q = (e.currentTarget.elements.namedItem('q') as HTMLInputElement).value.trim()
        if (q !== '') navigate(`/posts/search?q=${encodeURIComponent(q)}`)
      }}
    >
      <label for="post-search" class="visually-hidden">
        Search posts
      </label>
      <input id="post-search" class="input" type="search" name="q" maxLength={200} placeholder="Search posts: words or #tags" value={props.value ?? ''} style={{ flex: '1' }} />
      <Button type="submit">
        <Icon name="search" /> Search
      </Button>
    </form>
  )
}

/** Post search results: the query lives in the address (`?q=`), so a search can be shared and reloaded. */
export default function PostSearch() {
  const [params] = useSearchParams<{ q?: string }>()
  const q = () => (typeof params.q === 'string' ? params.q.trim().slice(0, 200) : '')
  const pages = createCursorPages({
    // Read again once signed in: followers-only posts and likes follow the user.
    query: () => ({ q: q(), signedIn: signedIn() }),
    read: async ({ q: text, signedIn: _, ...query }) => (text === '' ? { items: [], nextCursor: null } : searchPosts({ q: text, ...query })),
    pageSize: 20,
    failed: { load: 'Could not search the posts', more: 'Could not load more posts' },
  })
  return (
    <div class="stack social-column">
      <PageMeta title={q() === '' ? 'Search posts' : `Posts matching “${q()}”`} description="Search the posts on Souk by words and #tags." noindex />
      <h1>Search posts</h1>
      <PostSearchForm value={q()} />
      <Show when={q() !== ''} fallback={<p class="muted">Type words or #tags to find posts.</p>}>
        <Show when={pages.items()} fallback={<Skeleton height="120px" />}>
          {(posts) => (
            <PostList
              posts={posts()}
              label={`Posts matching ${q()}`}
              onDelete={(id) => pages.update((list) => list.filter((p) => p.id !== id))}
              empty={
                <div class="card">
                  <EmptyState icon="search" title="No posts match">
                    No post you can see has every word of “{q()}”. Try fewer or shorter words.
                  </EmptyState>
                </div>
              }
            />
          )}
        </Show>
        <LoadMore pages={pages} />
      </Show>
    </div>
  )
}
