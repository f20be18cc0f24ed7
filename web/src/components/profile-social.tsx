import { A } from '@solidjs/router'
import { createResource, createSignal, Show } from 'solid-js'
import { currentUser, signedIn } from '../lib/session'
import { type FollowSummary, getFollowSummary, listFollowers, listFollowing, listUserPosts, type Person } from '../lib/social'
import { EmptyState, Listed, Skeleton } from './feedback'
import { createCursorPages, LoadMore } from './finance-parts'
import { FollowButton, PeopleList } from './follow'
import { PostList } from './post-card'
import { Tabs } from './tabs'

/** Follower and following counts; read again once the session is back (whether I follow them). */
function useFollowSummary(userId: () => string) {
  // A read that was on its way while a follow answered (the session's restore starts one) must not
  // put back the counts from before it: the answer of the follow is newer.
  let writes = 0
  const [summary, { mutate }] = createResource(
    () => ({ id: userId(), signedIn: signedIn() }),
    async ({ id }): Promise<FollowSummary> => {
      const before = writes
      const read = await getFollowSummary(id)
      return before === writes ? read : (summary.latest ?? read)
    },
  )
  return {
    summary,
    set: (next: FollowSummary) => {
      writes += 1
      mutate(next)
    },
  }
}

const countOf = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

function People(props: { userId: string; which: 'followers' | 'following'; name: string }) {
  const pages = createCursorPages({
    query: () => ({ id: props.userId, signedIn: signedIn() }),
    read: ({ id, signedIn: _, ...query }) => (props.which === 'followers' ? listFollowers(id, query) : listFollowing(id, query)),
    pageSize: 20,
    failed: { load: 'Could not load the list', more: 'Could not load more people' },
  })
  const replace = (person: Person) => pages.update((list) => list.map((p) => (p.id === person.id ? person : p)))
  return (
    <div class="stack">
      <Listed items={pages.items()} loading={<Skeleton height="80px" />} empty={<p class="muted">{props.which === 'followers' ? `No one follows ${props.name} yet.` : `${props.name} follows no one yet.`}</p>}>
        {(people) => (
          <PeopleList people={people()} label={props.which === 'followers' ? `Followers of ${props.name}` : `Followed by ${props.name}`} onChange={replace} />
        )}
      </Listed>
      <LoadMore pages={pages} />
    </div>
  )
}

function Posts(props: { userId: string; name: string }) {
  const pages = createCursorPages({
    query: () => ({ id: props.userId, signedIn: signedIn() }),
    read: ({ id, signedIn: _, ...query }) => listUserPosts(id, query),
    pageSize: 10,
    failed: { load: 'Could not load the posts', more: 'Could not load more posts' },
  })
  return (
    <div class="stack">
      <Show when={pages.items()} fallback={<Skeleton height="120px" />}>
        {(posts) => (
          <PostList
            posts={posts()}
            label={`Posts by ${props.name}`}
            onDelete={(id) => pages.update((list) => list.filter((p) => p.id !== id))}
            empty={
              <EmptyState icon="chat" title="No posts yet" headingLevel={3}>
                {`${props.name} has not posted anything you can see.`}
              </EmptyState>
            }
          />
        )}
      </Show>
      <LoadMore pages={pages} />
    </div>
  )
}

/** A profile's social part: follow counts and button, then tabs with their posts, followers and following. */
export default function ProfileSocial(props: { userId: string; name: string }) {
  const { summary, set } = useFollowSummary(() => props.userId)
  return (
    <section class="card card__body stack profile-social" aria-label="Posts and follows">
      <div class="row row--between">
        <Show when={summary()} fallback={<Skeleton width="200px" height="20px" />}>
          {(s) => (
            <p class="row profile__follows" data-testid="follow-counts">
              <strong>{countOf(s().followers, 'follower', 'followers')}</strong>
              <span>·</span>
              <strong>{`${s().following} following`}</strong>
              <Show when={s().followsMe && currentUser() !== null}>
                <span class="muted">Follows you</span>
              </Show>
              <Show when={s().approvesFollowers}>
                <span class="muted">Approves followers</span>
              </Show>
            </p>
          )}
        </Show>
        <Show when={summary()}>{(s) => <FollowButton userId={props.userId} name={props.name} followed={s().followedByMe} requested={s().requested} onChange={set} />}</Show>
      </div>
      <Tabs
        label={`${props.name}’s activity`}
        items={[
          { id: 'posts', label: 'Posts', content: () => <Posts userId={props.userId} name={props.name} /> },
          { id: 'followers', label: 'Followers', content: () => <People userId={props.userId} which="followers" name={props.name} /> },
          { id: 'following', label: 'Following', content: () => <People userId={props.userId} which="following" name={props.name} /> },
        ]}
      />
    </section>
  )
}

/** A storefront's follow: following the shop is following its owner's account, whose posts it links to. */
export function ShopFollow(props: { ownerId: string; name: string }) {
  const { summary, set } = useFollowSummary(() => props.ownerId)
  return (
    <div class="stack stack--tight shop-follow">
      <div class="row">
        <Show when={summary()} fallback={<Skeleton width="120px" height="20px" />}>
          {(s) => <span data-testid="shop-followers">{countOf(s().followers, 'follower', 'followers')}</span>}
        </Show>
        <Show when={summary()}>{(s) => <FollowButton size="sm" userId={props.ownerId} name={props.name} followed={s().followedByMe} requested={s().requested} onChange={set} />}</Show>
      </div>
      <A href={`/users/${props.ownerId}`}>See the shop’s posts</A>
    </div>
  )
}
