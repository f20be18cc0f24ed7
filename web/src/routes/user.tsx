import { createAsync, type RouteDefinition, useParams } from '@solidjs/router'
import { lazy, Show, Suspense } from 'solid-js'
import { ButtonLink } from '../components/button'
import { Badge, EmptyState } from '../components/feedback'
import { Icon } from '../components/icons'
import { Avatar } from '../components/media'
import { PresenceDot } from '../components/presence'
import { getPublicProfile } from '../lib/api'
import { monthYear } from '../lib/format'
import { HttpStatus, PageMeta } from '../lib/head'
import { currentUser } from '../lib/session'

export const route = {
  preload: ({ params }) => getPublicProfile(params.id!),
} satisfies Omit<RouteDefinition, 'path'>

// Posts and follows load after the profile (on demand: the entry chunk is near its budget).
const ProfileSocial = lazy(() => import('../components/profile-social'))

const ROLE_LABEL = { buyer: null, vendor: 'Vendor', admin: 'Souk team' } as const

/** A person's public profile, rendered on the server (share cards included). */
export default function UserProfile() {
  const params = useParams<{ id: string }>()
  const profile = createAsync(() => getPublicProfile(params.id))
  return (
    <Show when={profile() !== undefined}>
      <Show
        when={profile()}
        fallback={
          <>
            <HttpStatus code={404} />
            <PageMeta title="Profile not found" description="This person is not on Souk." type="profile" noindex />
            <div class="card">
              <EmptyState icon="user" title="No one here" actions={<ButtonLink href="/">Go to the home page</ButtonLink>}>
                There is no Souk member with this address. The link may be old or mistyped.
              </EmptyState>
            </div>
          </>
        }
      >
        {(user) => (
          <>
            <PageMeta
              title={user().displayName}
              description={user().deleted ? 'A former Souk member.' : (user().bio ?? `${user().displayName} on Souk, the marketplace where you talk to the people you buy from.`)}
              image={user().avatarUrl ?? undefined}
              type="profile"
              noindex={user().deleted}
            />
            <article class="card profile" aria-labelledby="profile-name">
              <div class="profile__banner" />
              <div class="profile__head">
                <Avatar src={user().avatarUrl} name={`${user().displayName}'s photo`} size={112} />
                <div class="profile__title">
                  <h1 id="profile-name">{user().displayName}</h1>
                  <span class="muted">@{user().handle}</span>
                  <Show when={ROLE_LABEL[user().role]}>{(label) => <Badge tone="primary">{label()}</Badge>}</Show>
                  <Show when={!user().deleted}>
                    <PresenceDot userId={user().id} withLabel />
                  </Show>
                </div>
                <Show when={currentUser()?.id === user().id}>
                  <ButtonLink href="/account" class="profile__edit">
                    <Icon name="settings" /> Edit profile
                  </ButtonLink>
                </Show>
              </div>
              <div class="profile__body">
                <Show when={!user().deleted} fallback={<p class="muted">This account was deleted. Orders and messages it took part in remain.</p>}>
                  <ul class="profile__facts">
                    <Show when={user().location}>
                      {(location) => (
                        <li>
                          <Icon name="pin" /> {location()}
                        </li>
                      )}
                    </Show>
                    <li>
                      <Icon name="calendar" /> Member since {monthYear(user().createdAt)}
                    </li>
                  </ul>
                  <Show when={user().bio} fallback={<p class="muted">{user().displayName} has not written a bio yet.</p>}>
                    {(bio) => <p class="profile__bio">{bio()}</p>}
                  </Show>
                </Show>
              </div>
            </article>
            <Show when={!user().deleted}>
              <Suspense>
                <ProfileSocial userId={user().id} name={user().displayName} />
              </Suspense>
            </Show>
          </>
        )}
      </Show>
    </Show>
  )
}
