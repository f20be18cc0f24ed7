import { A, useLocation, useNavigate } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import { withNext } from '../lib/next'
import { currentUser, signedIn, signedInOnceKnown } from '../lib/session'
import { type FollowSummary, type Person, setFollow } from '../lib/social'
import { Button } from './button'
import { Avatar } from './media'
import { toastError } from './toast'

/**
 * Follow / Following for one account: a visitor is sent to sign in first; the button says what
 * the server answered (`onChange` gets the new counts), and stays as it was when the call fails.
 * "Requested" while a request to a private profile waits (a click withdraws it, as it unfollows).
 * Hidden for the signed-in user's own account.
 */
export function FollowButton(props: { userId: string; name: string; followed: boolean; requested?: boolean; onChange: (summary: FollowSummary) => void; size?: 'sm' | 'md' }) {
  const navigate = useNavigate()
  const location = useLocation()
  const [pending, setPending] = createSignal(false)
  const engaged = () => props.followed || props.requested === true
  const label = () => (props.followed ? `Following ${props.name}` : props.requested === true ? `Requested to follow ${props.name}` : `Follow ${props.name}`)
  const toggle = async () => {
    if (!(await signedInOnceKnown())) return navigate(withNext('/signin', location.pathname))
    setPending(true)
    try {
      props.onChange(await setFollow(props.userId, !engaged()))
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
        variant={engaged() ? 'secondary' : 'primary'}
        aria-pressed={engaged()}
        aria-label={label()}
        title={props.requested === true && !props.followed ? 'Waiting for their approval: click to withdraw the request' : undefined}
        disabled={pending()}
        aria-busy={pending()}
        onClick={() => void toggle()}
      >
        {props.followed ? 'Following' : props.requested === true ? 'Requested' : 'Follow'}
      </Button>
    </Show>
  )
}

/** People (who liked a post, followers, following), each linking to their profile, with a follow button for the signed-in. */
export function PeopleList(props: { people: Person[]; label: string; onChange: (person: Person) => void }) {
  // Requests made from this list (a person carries only whether I follow them).
  const [requested, setRequested] = createSignal<ReadonlySet<string>>(new Set())
  const noteRequest = (id: string, on: boolean) =>
    setRequested((ids) => {
      const next = new Set(ids)
      if (on) next.add(id)
      else next.delete(id)
      return next
    })
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
              <FollowButton
                size="sm"
                userId={person.id}
                name={person.displayName}
                followed={person.followedByMe}
                requested={requested().has(person.id)}
                onChange={(s) => {
                  noteRequest(person.id, s.requested)
                  props.onChange({ ...person, followedByMe: s.followedByMe })
                }}
              />
            </Show>
          </li>
        )}
      </For>
    </ul>
  )
}
