import { createAsync, revalidate, type RouteDefinition } from '@solidjs/router'
import { For, Show } from 'solid-js'
import { Button } from '../components/button'
import { Badge, Skeleton } from '../components/feedback'
import { toast } from '../components/toast'
import { getSystemStatus } from '../lib/api'
import { PageMeta } from '../lib/head'

export const route = {
  preload: () => getSystemStatus(),
} satisfies Omit<RouteDefinition, 'path'>

const CHECK_NAMES: Record<string, string> = {
  database: 'Database',
  migrations: 'Schema migrations',
  queue: 'Background jobs',
  redis: 'Redis (realtime fan-out)',
}

export default function Status() {
  const status = createAsync(() => getSystemStatus())
  const checkAgain = async () => {
    await revalidate(getSystemStatus.key)
    toast('Status checked again', 'success')
  }
  return (
    <>
      <PageMeta title="System status" description="Whether Souk and the services it depends on are answering right now." />
      <div class="page-header">
        <div>
          <h1>System status</h1>
          <p>Whether Souk and the services it depends on are answering right now.</p>
        </div>
        <Button onClick={() => void checkAgain()}>Check again</Button>
      </div>
      <section class="card" aria-labelledby="checks-heading">
        <div class="card__header">
          <h2 id="checks-heading">Services</h2>
          <Show when={status()} fallback={<Skeleton width="120px" height="22px" radius="999px" />}>
            {(s) => <Badge tone={s().status === 'ready' ? 'success' : 'danger'}>{s().status === 'ready' ? 'All systems operational' : `${s().failing.length} failing`}</Badge>}
          </Show>
        </div>
        <div class="card__body">
          <Show when={status()} fallback={<Skeleton height="120px" />}>
            {(s) => (
              <ul class="list status-list">
                <For each={Object.entries(s().checks)}>
                  {([name, check]) => (
                    <li>
                      <div>
                        <strong>{CHECK_NAMES[name] ?? name}</strong>
                        <Show when={check.error}>
                          <div>
                            <code>{check.error}</code>
                          </div>
                        </Show>
                      </div>
                      <Badge tone={check.ok ? 'success' : 'danger'}>{check.ok ? 'Operational' : 'Failing'}</Badge>
                    </li>
                  )}
                </For>
              </ul>
            )}
          </Show>
        </div>
      </section>
    </>
  )
}
