import { action, createAsync, revalidate, useAction, useSubmission } from '@solidjs/router'
import { For, Show, Suspense } from 'solid-js'
import { Button } from '../../components/button'
import { Badge, Skeleton } from '../../components/feedback'
import { FormAlert } from '../../components/form'
import { Icon } from '../../components/icons'
import { toast } from '../../components/toast'
import { api, getMySessions } from '../../lib/api'
import { toApiError } from '../../lib/errors'
import { describeDevice, timeAgo } from '../../lib/format'

const revokeSession = action(async (id: string) => {
  const res = await api().api.v1.me.sessions({ id }).delete()
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  await revalidate(getMySessions.key)
  toast('That device is signed out.', 'success')
}, 'revoke-session')

const revokeOthers = action(async () => {
  const res = await api().api.v1.me.sessions.delete()
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  await revalidate(getMySessions.key)
  const n = res.data.revoked
  toast(n === 0 ? 'No other device was signed in.' : `Signed out ${n} other ${n === 1 ? 'device' : 'devices'}.`, 'success')
}, 'revoke-other-sessions')

export function Devices() {
  const sessions = createAsync(() => getMySessions())
  const revoke = useAction(revokeSession)
  const revokeAll = useAction(revokeOthers)
  const revoking = useSubmission(revokeSession)
  const revokingAll = useSubmission(revokeOthers)
  const others = () => (sessions() ?? []).filter((s) => !s.current).length
  return (
    <div class="settings-section">
      <div class="settings-block__intro settings-block__intro--row">
        <div>
          <h3>Signed-in devices</h3>
          <p class="muted">Every browser and app signed in to your account. Sign out any you do not recognise, then change your password.</p>
        </div>
        <Button onClick={() => void revokeAll().catch(() => {})} disabled={others() === 0 || revokingAll.pending === true}>
          <Icon name="logout" /> Sign out everywhere else
        </Button>
      </div>
      <FormAlert error={revoking.error ?? revokingAll.error} />
      <Suspense fallback={<Skeleton height="180px" />}>
        <ul class="list device-list" aria-label="Signed-in devices">
          <For each={sessions()}>
            {(session) => {
              const device = describeDevice(session.userAgent)
              return (
                <li>
                  <span class="device-list__icon">
                    <Icon name={device.mobile ? 'phone' : 'monitor'} />
                  </span>
                  <div class="device-list__text">
                    <strong>
                      {device.label} <Show when={session.current}>{<Badge tone="success">This device</Badge>}</Show>
                    </strong>
                    <span class="muted">
                      {session.current ? 'Active now' : `Last active ${timeAgo(session.lastUsedAt)}`} · signed in {timeAgo(session.createdAt)}
                      <Show when={session.ip}>{(ip) => ` · ${ip()}`}</Show>
                    </span>
                  </div>
                  <Show when={!session.current}>
                    <Button size="sm" onClick={() => void revoke(session.id).catch(() => {})} disabled={revoking.pending === true} aria-label={`Sign out ${device.label}, last active ${timeAgo(session.lastUsedAt)}`}>
                      Sign out
                    </Button>
                  </Show>
                </li>
              )
            }}
          </For>
        </ul>
      </Suspense>
    </div>
  )
}
