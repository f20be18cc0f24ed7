import { useLocation } from '@solidjs/router'
import { type JSX, Show } from 'solid-js'
import { signedIn } from '../lib/api'
import { ButtonLink } from './button'
import { EmptyState } from './feedback'
import type { IconName } from './icons'

/** Shows its children to a signed-in visitor; everyone else gets a sign-in prompt that returns here. */
export function SignedIn(props: { icon: IconName; title: string; reason: string; children: JSX.Element }) {
  const location = useLocation()
  const next = () => encodeURIComponent(location.pathname + location.search)
  return (
    <Show
      when={signedIn()}
      fallback={
        <div class="card">
          <EmptyState
            icon={props.icon}
            title={props.title}
            actions={
              <>
                <ButtonLink variant="primary" href={`/signin?next=${next()}`}>
                  Sign in
                </ButtonLink>
                <ButtonLink href={`/signup?next=${next()}`}>Create an account</ButtonLink>
              </>
            }
          >
            {props.reason}
          </EmptyState>
        </div>
      }
    >
      {props.children}
    </Show>
  )
}
