import { A, useLocation, useNavigate } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import { withNext } from '../lib/next'
import { currentUser, signedIn } from '../lib/session'
import { type FollowSummary, type Person, setFollow } from '../lib/social'
import { Button } from './button'
import { Avatar } from './media'
import { toastError } from './toast'

/**
 * Follow / Following for one account: a visitor is sent to sign in first; the button says what
 * the server answered (`onChange` gets the new counts), and stays as it was when the call fails.
 * Hidden for the signed-in user's own account.
 */
export function FollowButton(props: { userId: string; name: string; followed: boolean; onChange: (summary: FollowSummary) => void; size?: 'sm' | 'md' }) {
  const navigate = useNavigate()
  const location = useLocation()
  const [pending, setPending] = createSignal(false)
  const toggle = async () => {
    if (!signedIn()) return navigate(withNext('/signin', location.pathname))
    setPending(true)
    try {
      props.onChange(await setFollow(props.userId, !props.followed))
    } catch (error) {
      toastError(error, 'That did not work. Try again.')
    } finally {
      setPending(false)
    }
  }
  return (
    <Show when={currentUser()?.id !== props.userId}>
      <Button
        size={props.size}
        variant={props.followed ? 'secondary' : 'primary'}
        aria-pressed={props.followed}
        aria-label={props.followed ? `Following ${props.name}` : `Follow ${props.name}`}
        disabled={pending()}
        aria-busy={pending()}
        onClick={() => void toggle()}
      >
        {props.followed ? 'Following' : 'Follow'}
      </Button>
    </Show>
  )
}

/** People (who liked a post, followers, following), each linking to their profile, with a follow button for the signed-in. */
export function PeopleList(props: { people: Person[]; label: string; onChange: (person: Person) => void }) {
  return (
    <ul class="people" aria-label={props.label}>
      <For each={props.people}>
        {(person) => (
          <li class="row row--between">
            <A href={`/users/${person.id}`} class="row people__who">
              <Avatar src={person.avatarUrl} name="" size={36} />
              <span>{person.displayName}</span>
            </A>
            <Show when={signedIn()}>
              <FollowButton size="sm" userId={person.id} name={person.displayName} followed={person.followedByMe} onChange={(s) => props.onChange({ ...person, followedByMe: s.followedByMe })} />
            </Show>
          </li>
        )}
      </For>
    </ul>
  )
}
