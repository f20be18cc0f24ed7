import { Navigate, useLocation } from '@solidjs/router'
import { type JSX, Match, Switch } from 'solid-js'
import { withNext } from '../lib/next'
import { currentUser, type SessionUser, sessionStatus } from '../lib/session'
import { ButtonLink } from './button'
import { EmptyState, Skeleton } from './feedback'

/**
 * Shows its children to a signed-in visitor. An anonymous one is sent to sign in and brought back
 * (on the server that is a 302, so the page never renders for nobody); while a session is being
 * restored from its cookie, a placeholder holds the space.
 */
export function SignedIn(props: { children: JSX.Element; role?: SessionUser['role'] }) {
  const location = useLocation()
  const allowed = () => props.role === undefined || currentUser()?.role === props.role
  return (
    <Switch>
      <Match when={sessionStatus() === 'signed-in' && allowed()}>{props.children}</Match>
      <Match when={sessionStatus() === 'signed-in'}>
        <div class="card">
          <EmptyState icon="shield" title="Your account cannot open this page" actions={<ButtonLink href="/">Go to the home page</ButtonLink>}>
            It is for {props.role} accounts only.
          </EmptyState>
        </div>
      </Match>
      <Match when={sessionStatus() === 'restoring'}>
        <div class="card card__body stack" aria-busy="true" aria-label="Loading your account">
          <Skeleton width="40%" height="22px" />
          <Skeleton height="14px" />
          <Skeleton width="85%" height="14px" />
          <Skeleton width="60%" height="14px" />
        </div>
      </Match>
      <Match when={sessionStatus() === 'anonymous'}>
        <Navigate href={withNext('/signin', location.pathname + location.search)} />
      </Match>
    </Switch>
  )
}
