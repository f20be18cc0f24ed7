import { A } from '@solidjs/router'
import { createSignal, For, onMount, Show } from 'solid-js'
import { SignedIn } from '../components/auth-gate'
import { Button, ButtonLink } from '../components/button'
import { EmptyState, Skeleton } from '../components/feedback'
import { createCursorPages, LoadMore } from '../components/finance-parts'
import { Avatar } from '../components/media'
import { toast, toastError } from '../components/toast'
import { PageMeta } from '../lib/head'
import { answerFollowRequest, getSocialProfile, listFollowRequests, type Person, updateSocialProfile } from '../lib/social'

/** One request: who asked, Approve and Decline; the row leaves once answered (or already was, 404). */
function RequestRow(props: { person: Person; onDone: () => void }) {
  const [pending, setPending] = createSignal(false)
  const answer = async (approve: boolean) => {
    setPending(true)
    try {
      await answerFollowRequest(props.person.id, approve)
      toast(approve ? `${props.person.displayName} follows you now.` : 'Request declined.', 'success')
      props.onDone()
    } catch (error) {
      toastError(error, 'That did not work. Try again.')
    } finally {
      setPending(false)
    }
  }
  return (
    <li class="row row--between">
      <A href={`/users/${props.person.id}`} class="row people__who">
        <Avatar src={props.person.avatarUrl} name="" size={36} />
        <span>{props.person.displayName}</span>
      </A>
      <div class="row">
        <Button size="sm" variant="primary" disabled={pending()} aria-label={`Approve ${props.person.displayName}`} onClick={() => void answer(true)}>
          Approve
        </Button>
        <Button size="sm" variant="secondary" disabled={pending()} aria-label={`Decline ${props.person.displayName}`} onClick={() => void answer(false)}>
          Decline
        </Button>
      </div>
    </li>
  )
}

function Requests() {
  const pages = createCursorPages({
    query: () => ({}),
    read: (query) => listFollowRequests(query),
    pageSize: 20,
    failed: { load: 'Could not load your follow requests', more: 'Could not load more requests' },
  })
  return (
    <div class="card card__body stack">
      <Show when={pages.items()} fallback={<Skeleton height="120px" />}>
        {(people) => (
          <Show
            when={people().length > 0}
            fallback={
              <EmptyState icon="user" title="No follow requests" headingLevel={2} actions={<ButtonLink href="/account?tab=privacy">Privacy settings</ButtonLink>}>
                When your profile approves followers, the people who ask to follow you wait here.
              </EmptyState>
            }
          >
            <ul class="people" aria-label="Follow requests">
              <For each={people()}>{(person) => <RequestRow person={person} onDone={() => pages.update((list) => list.filter((p) => p.id !== person.id))} />}</For>
            </ul>
          </Show>
        )}
      </Show>
      <LoadMore pages={pages} />
    </div>
  )
}

/** Who asked to follow me (my profile approves followers): approve or decline each. */
export default function FollowRequests() {
  return (
    <div class="stack social-column">
      <PageMeta title="Follow requests" description="People who asked to follow you." noindex />
      <div class="page-header">
        <div>
          <h1>Follow requests</h1>
          <p>Approved people follow you and see your followers-only posts. Declining tells nobody.</p>
        </div>
      </div>
      <SignedIn>
        <Requests />
      </SignedIn>
    </div>
  )
}

/** The account settings' Privacy tab: whether follows need my approval, and the way to the requests. */
export function PrivacySettings() {
  const [approve, setApprove] = createSignal<boolean | null>(null)
  const [saving, setSaving] = createSignal(false)
  onMount(() =>
    getSocialProfile()
      .then((profile) => setApprove(profile.approveFollowers))
      .catch((error: unknown) => toastError(error, 'Could not load your privacy settings')),
  )
  const change = async (on: boolean) => {
    setSaving(true)
    try {
      setApprove((await updateSocialProfile({ approveFollowers: on })).approveFollowers)
      toast(on ? 'New followers now need your approval.' : 'Anyone can follow you now; waiting requests are approved.', 'success')
    } catch (error) {
      toastError(error, 'Could not save your privacy settings')
    } finally {
      setSaving(false)
    }
  }
  return (
    <div class="settings-section">
      <div class="settings-block__intro">
        <h3>Followers</h3>
        <p class="muted">With approval on, following you is a request you approve or decline, and your followers-only posts reach approved followers alone. Turning it off approves the waiting requests.</p>
      </div>
      <Show when={approve() !== null} fallback={<Skeleton height="40px" />}>
        <label class="row">
          <input type="checkbox" class="switch" checked={approve() === true} disabled={saving()} onChange={(e) => void change(e.currentTarget.checked)} />
          <span>Approve followers</span>
        </label>
      </Show>
      <A href="/account/follow-requests">Follow requests</A>
    </div>
  )
}
