import { For, Show } from 'solid-js'
import { Badge, EmptyState, Listed, Loading, Skeleton } from '../../components/feedback'
import { createCursorPages, LoadMore, utcMinute } from '../../components/finance-parts'
import { Icon } from '../../components/icons'
import { listSecurityEvents, SECURITY_EVENT_TEXT, type SecurityEvent, userAgentOf } from '../../lib/audit'
import { describeDevice, timeAgo } from '../../lib/format'

function EventItem(props: { event: SecurityEvent }) {
  const e = () => props.event
  const device = () => {
    const agent = userAgentOf(e())
    return agent === null ? null : describeDevice(agent).label
  }
  return (
    <li>
      <span class="device-list__icon">
        <Icon name={e().kind.startsWith('auth.') ? 'login' : e().kind.startsWith('account.payout') ? 'briefcase' : 'lock'} />
      </span>
      <div class="device-list__text">
        <strong>
          {SECURITY_EVENT_TEXT[e().kind](e())} <Show when={e().bySystem}>{<Badge tone="warning">By Souk</Badge>}</Show>
        </strong>
        <span class="muted">
          <time datetime={new Date(e().at).toISOString()} title={utcMinute(e().at)}>
            {timeAgo(e().at)}
          </time>
          <Show when={device()}>{(label) => ` · ${label()}`}</Show>
          <Show when={e().ip}>{(ip) => ` · ${ip()}`}</Show>
        </span>
      </div>
    </li>
  )
}

/**
 * My account's security events, newest first: sign-ins and sign-outs, password, email and payout
 * changes, with where and when. Something I do not recognise is a reason to sign devices out and
 * change my password.
 */
export default function SecurityActivity() {
  const pages = createCursorPages({
    query: () => ({}),
    read: listSecurityEvents,
    pageSize: 20,
    failed: { load: 'Could not load your security activity', more: 'Could not load more of your security activity' },
  })
  return (
    <div class="settings-section">
      <div class="settings-block__intro">
        <h3>Security activity</h3>
        <p class="muted">Sign-ins, sign-outs and changes to how you sign in and get paid, with the address they came from. Not you? Sign the other devices out and change your password.</p>
      </div>
      <Listed
        items={pages.items()}
        loading={
          <div aria-busy="true" aria-label="Loading your security activity">
            <Skeleton height="180px" />
          </div>
        }
        empty={
          <EmptyState icon="shield" title="No security activity yet" headingLevel={3}>
            Your sign-ins and account changes will show here.
          </EmptyState>
        }
      >
        {(items) => (
          <>
            <ul class="list device-list" aria-label="Security activity">
              <For each={items()}>{(event) => <EventItem event={event} />}</For>
            </ul>
            <LoadMore pages={pages} />
          </>
        )}
      </Listed>
    </div>
  )
}
